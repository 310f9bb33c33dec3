"""Account pages: sign-in with two factors, citizen sign-up and verification, password reset,
and agency admins' management of their agency's positions and users. Paths are Indonesian."""

from django.urls import path

from .views import clients, manage, notices, signup, twofactor

app_name = "accounts"

urlpatterns: list = [
    # Citizen sign-up with a code for each address, and password reset (views/signup.py).
    path("daftar/", signup.signup, name="signup"),
    path("daftar/verifikasi/", signup.signup_verify, name="signup_verify"),
    path("daftar/verifikasi/kirim-ulang/", signup.signup_resend, name="signup_resend"),
    path("masuk/lupa-sandi/", signup.password_reset, name="password_reset"),
    path("masuk/lupa-sandi/atur/", signup.password_reset_confirm, name="password_reset_confirm"),
    path("masuk/dua-langkah/", twofactor.verify, name="two_factor_verify"),
    path("masuk/dua-langkah/daftar/", twofactor.enrol, name="two_factor_enrol"),
    path("masuk/dua-langkah/daftar/kode-qr.svg", twofactor.enrol_qr, name="two_factor_qr"),
    path("masuk/dua-langkah/pengaturan/", twofactor.settings_page, name="two_factor_settings"),
    path("masuk/dua-langkah/kode-cadangan/", twofactor.new_backup_codes, name="two_factor_backup_codes"),
    path("masuk/dua-langkah/nonaktifkan/", twofactor.turn_off, name="two_factor_turn_off"),
    # What an official is e-mailed about the queues of the positions they hold (views/notices.py).
    path("petugas/pemberitahuan/", notices.notice_settings, name="notice_settings"),
    # Agencies' API clients (agency admins, the national desk; views/clients.py, ADR 0036).
    path("petugas/klien-api/", clients.api_clients, name="api_clients"),
    # Positions and officials' accounts (agency admins, the national desk).
    path("petugas/pengguna/", manage.manage, name="manage"),
    path("petugas/pengguna/jabatan/<int:position_id>/serah-terima/", manage.hand_over, name="hand_over"),
    path("petugas/pengguna/jabatan/<int:position_id>/nonaktifkan/", manage.position_active, {"active": False}, name="position_deactivate"),
    path("petugas/pengguna/jabatan/<int:position_id>/aktifkan/", manage.position_active, {"active": True}, name="position_reactivate"),
    path("petugas/pengguna/jabatan/<int:position_id>/akun-baru/", manage.new_account, name="new_account"),
    path("petugas/pengguna/akun/<int:user_id>/nonaktifkan/", manage.account_deactivate, name="account_deactivate"),
    path("petugas/pengguna/akun/aktifkan/", manage.account_reactivate, name="account_reactivate"),
]
