"""Generic formulas of Indonesian complaint letters and officers' replies (our own wording).

Theme-specific sentences live in themes.py; these are the openings, politeness formulas and
the officers' standard notes that any report may carry. {slots} are filled by text.py.
"""

GREETINGS = (
    "Selamat pagi.", "Selamat siang, Bapak/Ibu.", "Assalamualaikum wr. wb.", "Dengan hormat,", "Yth. Bapak/Ibu pengelola LAPOR!,",
    "Salam sejahtera.", "Permisi, saya ingin menyampaikan pengaduan.",
)
INTROS = (
    "Saya warga {rt}, {desa}, {kecamatan}, {kabkota}.", "Saya tinggal di {desa}, {kecamatan}.",
    "Kami mewakili warga {rt} {desa}.", "Saya ingin melaporkan kejadian di wilayah {kecamatan}, {kabkota}.",
)
PRIOR = (
    "Hal ini sudah kami sampaikan ke kelurahan/desa, tetapi belum ada tindak lanjut.",
    "Sudah pernah dilaporkan lewat ketua RT, namun sampai sekarang belum ada kabar.",
    "Kami sudah menunggu {lama} tanpa kepastian.",
    "Masalah ini sudah berlangsung {lama}.",
)
CLOSINGS = (
    "Mohon ditindaklanjuti. Terima kasih.", "Atas perhatian dan tindak lanjutnya kami ucapkan terima kasih.",
    "Mohon segera ditindaklanjuti. Terima kasih.", "Terima kasih atas perhatiannya.",
    "Besar harapan kami laporan ini ditanggapi. Terima kasih.", "Mohon bantuannya, terima kasih.",
)
DURATIONS = ("dua minggu", "tiga minggu", "lebih dari sebulan", "hampir dua bulan", "sepuluh hari", "berbulan-bulan")
STREETS = (
    "Melati", "Mawar", "Kenanga", "Diponegoro", "Pahlawan", "Veteran", "Ahmad Yani", "Pemuda", "Merdeka", "Cempaka",
    "Flamboyan", "Kartini", "Sudirman", "Gatot Subroto", "Imam Bonjol", "Teuku Umar", "Kapten Tendean", "Kenari",
    "Nusantara", "Bhayangkara", "Raya {nama_desa}", "Poros {nama_desa}", "Lingkar Timur", "Sultan Agung",
)
# SMS and WhatsApp reports are short and written the way people type on a phone.
INFORMAL = {
    "saya": "sy", "yang": "yg", "tidak": "tdk", "sudah": "sdh", "belum": "blm", "mohon": "mhn", "dengan": "dgn",
    "untuk": "utk", "karena": "krn", "sampai": "sampe", "terima kasih": "trims", "bapak/ibu": "bpk/ibu", "sekarang": "skrg",
}
VAGUE = (
    "{topik} parah sekali, sudah lama tidak ada perbaikan. Tolong segera ditangani pak.",
    "Mohon ditindak, {topik} terus terjadi dan warga sangat dirugikan.",
    "Lapor pak, {topik}. Sudah berkali-kali tapi tidak ada tanggapan sama sekali.",
)

# Texts of reports the desk rejects, per RejectReason.
JUNK = {
    "spam": (("Tes kirim laporan aplikasi", "tes tes, ini hanya percobaan mengirim laporan dari aplikasi. mohon diabaikan saja ya"),
             ("Coba coba fitur lapor", "percobaan fitur pengaduan, belum ada masalah apa-apa. maaf mengganggu admin.")),
    "not_public_service": (
        ("Tetangga tidak mau membayar utang", "Tetangga saya meminjam uang {nominal} sejak {tanggal} dan sampai sekarang belum dikembalikan. Mohon dibantu menagih."),
        ("Mantan pacar menyebarkan foto", "Saya ingin melaporkan masalah pribadi dengan mantan pacar yang menyebarkan foto saya di grup WhatsApp kampung."),
    ),
    "in_court": (
        ("Sengketa tanah warisan keluarga", "Tanah warisan orang tua kami di {desa} dikuasai saudara. Perkara ini sedang disidangkan di Pengadilan Negeri {kota} dan kami mohon LAPOR! ikut memutuskan."),
    ),
    "abusive": (
        ("Petugas kelurahan tidak becus", "Semua petugas di kantor {desa} tidak becus dan pemalas, [kata-kata kasar disensor oleh admin]. Pecat saja semuanya."),
    ),
}
REJECT_NOTES = {
    "spam": ("Laporan berisi uji coba dan tidak memuat pengaduan.",),
    "not_public_service": ("Permasalahan yang disampaikan merupakan urusan perdata antarpribadi, bukan pelayanan publik. Saudara dapat menempuh musyawarah atau jalur hukum.",),
    "in_court": ("Perkara ini sedang diperiksa pengadilan sehingga tidak dapat ditangani melalui SP4N-LAPOR!.",),
    "abusive": ("Laporan memuat kata-kata yang tidak pantas. Silakan sampaikan kembali pengaduan dengan bahasa yang sopan beserta kronologinya.",),
    "incomplete": ("Sampai batas waktu, informasi yang kami minta belum dilengkapi. Silakan kirim laporan baru dengan lokasi dan waktu kejadian yang jelas.",),
}

# National desk
DISPOSE_NOTES = (
    "Diteruskan kepada {instansi} sesuai kewenangan. Mohon ditindaklanjuti sesuai SOP.",
    "Laporan telah diverifikasi dan didisposisikan ke {instansi}.",
    "Sesuai urusan yang dilaporkan, laporan diteruskan ke {instansi}. Mohon tindak lanjut dalam 5 hari kerja.",
)
REDISPOSE_NOTES = (
    "Berdasarkan saran instansi sebelumnya, laporan diteruskan ke {instansi}.",
    "Disposisi ulang ke {instansi} sesuai kewenangan yang disampaikan.",
)
FINAL_DISPOSE_NOTES = (
    "Laporan sudah tiga kali dialihkan. Disposisi ini final: {instansi} diminta menindaklanjuti dan berkoordinasi dengan instansi terkait.",
)
REQUEST_INFO = (
    "Mohon Saudara melengkapi laporan dengan lokasi yang lebih rinci (nama jalan, RT/RW, kelurahan/desa) dan tanggal kejadian.",
    "Agar dapat kami teruskan ke instansi yang berwenang, mohon sebutkan di mana dan kapan kejadian tersebut terjadi.",
    "Mohon lengkapi kronologi kejadian serta lampirkan foto pendukung bila ada.",
)
SUPPLEMENTS = (
    "Lokasinya di {jalan} {rt}, {desa}, {kecamatan}. Kejadian terakhir pada {tanggal}.",
    "Tempatnya {desa}, {kecamatan}, {kabkota}, dekat {pasar}. Sudah terjadi sejak {tanggal}.",
    "Maaf kurang lengkap. Kejadian di {jalan}, {desa} pada {tanggal}; foto sudah saya lampirkan.",
)

# Agency admin
FORWARD_NOTES = (
    "Mohon {unit} menindaklanjuti dan menyampaikan hasilnya melalui LAPOR! paling lambat 5 hari kerja.",
    "Diteruskan ke {unit} untuk ditindaklanjuti.", "Mohon segera ditangani dan dilaporkan hasilnya.", "",
)
APPEAL_FORWARD_NOTES = ("Pelapor mengajukan keberatan. Mohon {unit} memeriksa kembali dan menyampaikan tindak lanjut yang lebih konkret.",)
NOT_OUR_AUTHORITY = (
    "Permasalahan ini merupakan kewenangan {saran}, bukan {instansi}. Mohon didisposisikan ke instansi tersebut.",
    "Setelah kami telaah, objek yang dilaporkan berada di bawah pengelolaan {saran}. Mohon dialihkan.",
    "Objek yang dilaporkan merupakan aset dan tanggung jawab {saran}, bukan {instansi}. Mohon dialihkan.",
)
ARCHIVE_NOTES = {
    "duplicate": ("Laporan ini sama dengan laporan {nomor} yang sedang kami tangani. Perkembangan dapat dipantau pada laporan tersebut.",),
    "not_actionable": ("Laporan tidak dapat ditindaklanjuti karena objek yang dilaporkan tidak dapat kami temukan di lapangan.",),
    "resolved_elsewhere": ("Permasalahan telah diselesaikan melalui layanan pengaduan daerah (call center) sebelum laporan ini kami terima.",),
}
DISMISS_APPEAL = (
    "Setelah kami periksa kembali, tindak lanjut sudah sesuai ketentuan dan dilaksanakan di lapangan. Keberatan tidak dapat kami terima.",
    "Hasil pemeriksaan ulang pada {tgl} menunjukkan pekerjaan telah selesai sesuai laporan tindak lanjut. Dengan demikian keberatan kami tutup.",
)

# Liaison officer
RESPONSES = (
    "Terima kasih atas laporan Saudara. Laporan sudah kami terima dan sedang kami koordinasikan dengan bidang terkait.",
    "Laporan telah kami terima. Tim akan melakukan pengecekan lapangan dan hasilnya kami sampaikan paling lambat {tgl2}.",
    "Terima kasih, laporan sedang kami verifikasi ke lokasi.",
)
INTERIM = (
    "Penanganan memerlukan survei lapangan dan penganggaran. Kami perkirakan selesai paling lambat {tgl2}.",
    "Perbaikan memerlukan koordinasi dengan pihak ketiga. Hasil tindak lanjut akan kami sampaikan paling lambat {tgl2}.",
    "Kami masih menunggu hasil pemeriksaan dari tim teknis; tindak lanjut akan disampaikan paling lambat {tgl2}.",
)

# Reporter
RATING_COMMENTS = {
    5: ("Terima kasih, sudah ditangani dengan cepat.", "Sangat puas, petugas langsung datang ke lokasi.", ""),
    4: ("Sudah ditangani, terima kasih. Semoga dipantau terus.", "Cukup baik, walaupun agak lama.", ""),
    3: ("Sudah ada tindakan tetapi belum tuntas.", ""),
    2: ("Tanggapan hanya normatif, masalah belum selesai.", "Penanganannya lambat dan tidak sesuai yang dijanjikan."),
    1: ("Tidak ada perubahan sama sekali di lapangan.", "Jawaban tidak sesuai dengan kenyataan."),
}
APPEALS = (
    "Saya keberatan dengan tindak lanjut ini karena kondisi di lapangan belum berubah. {still}",
    "Tindak lanjut tidak sesuai kenyataan. {still} Mohon diperiksa ulang.",
)
OMBUDSMAN_CONSENT = ("Saya setuju laporan ini diteruskan ke Ombudsman.", "Setuju, mohon Ombudsman menangani.", "")
OMBUDSMAN_DECLINE = ("Saya masih menunggu tindak lanjut dari instansi.", "")
# The Ombudsman's outcome on a transferred report, written to the reporter (at least 10 characters).
OMBUDSMAN_OUTCOMES = {
    "accepted": ("Laporan Anda kami terima untuk diperiksa. Kami akan meminta klarifikasi dari instansi terkait.",
                 "Laporan diterima untuk pemeriksaan lebih lanjut oleh Ombudsman."),
    "resolved": ("Instansi telah melakukan perbaikan setelah pemeriksaan Ombudsman. Laporan dinyatakan selesai.",
                 "Maladministrasi telah dikoreksi oleh instansi; pemeriksaan kami tutup dengan penyelesaian."),
    "closed": ("Setelah pemeriksaan, tidak ditemukan maladministrasi. Pemeriksaan ditutup.",
               "Pemeriksaan ditutup karena substansi laporan sedang ditangani lembaga lain."),
}

# The periodic survey of the platform's users (lapor/demo/survey.py). {triwulan} {tahun} are
# the period's quarter and year.
SURVEY_TITLE = "Survei Kepuasan Pengguna SP4N-LAPOR! Triwulan {triwulan} {tahun}"
SURVEY_INTRODUCTION = (
    "Survei ini dilakukan setiap triwulan untuk mengukur kepuasan warga dan petugas terhadap layanan SP4N-LAPOR!. "
    "Pengisian hanya memerlukan sekitar tiga menit.\n"
    "Jawaban Anda tidak disimpan bersama nama, akun, atau alamat Anda, dan hasilnya diumumkan di halaman ini."
)
SURVEY_ROLES = (
    "Warga yang pernah menyampaikan laporan",
    "Warga yang belum pernah menyampaikan laporan",
    "Petugas instansi pemerintah (admin atau penghubung)",
)
SURVEY_SOURCES = (
    "Media sosial", "Teman, keluarga, atau tetangga", "Kantor pemerintahan atau kelurahan/desa",
    "Berita di televisi, radio, atau media daring", "Lainnya",
)
SURVEY_AGAIN = ("Ya, pasti", "Mungkin", "Tidak")
# (order, text, kind, required, choices)
SURVEY_QUESTIONS = (
    (1, "Sebagai apa Anda menggunakan LAPOR!?", "choice", True, SURVEY_ROLES),
    (2, "Bagaimana penilaian Anda secara keseluruhan terhadap layanan SP4N-LAPOR!?", "scale", True, ()),
    (3, "Bagaimana penilaian Anda tentang kecepatan instansi menanggapi laporan?", "scale", False, ()),
    (4, "Seberapa mudah menyampaikan laporan atau tindak lanjut melalui situs LAPOR!?", "scale", False, ()),
    (5, "Dari mana Anda pertama kali mengetahui LAPOR!?", "choice", False, SURVEY_SOURCES),
    (6, "Apakah Anda akan menggunakan LAPOR! lagi bila ada masalah pelayanan publik?", "choice", True, SURVEY_AGAIN),
    (7, "Apa saran Anda untuk perbaikan layanan LAPOR!?", "text", False, ()),
)
# Free-text suggestions: an opinion by the respondent's overall mood, a request, or both. A few
# people write their contact details anyway: the national admin reads them redacted, nobody
# else sees them (ADR 0018).
SURVEY_OPINIONS = {
    "good": (
        "Pelayanannya sudah bagus, laporan saya ditindaklanjuti kurang dari seminggu.",
        "Terima kasih, jalan di depan rumah kami sudah diperbaiki setelah dilaporkan.",
        "Petugasnya sopan dan jawabannya jelas.",
        "Saya puas, lampu jalan di gang kami sudah menyala lagi.",
        "Prosesnya transparan, setiap perkembangan bisa dipantau.",
    ),
    "mixed": (
        "Tanggapan awal cepat, tetapi penyelesaiannya lama sekali.",
        "Jawaban instansi kadang hanya normatif.",
        "Sudah ada tindakan, tetapi belum tuntas.",
        "Status laporan sering lama tidak berubah tanpa penjelasan.",
        "Formulirnya agak panjang bila diisi dari HP.",
    ),
    "bad": (
        "Laporan saya dialihkan ke sana kemari antarinstansi dan tidak ada yang mau bertanggung jawab.",
        "Sudah dua bulan tidak ada tindak lanjut nyata.",
        "Jawaban tidak sesuai kenyataan di lapangan.",
        "Saya sudah melapor tiga kali soal yang sama dan tidak pernah dihubungi.",
        "Percuma melapor kalau tidak ada sanksi bagi instansi yang lalai.",
    ),
    "official": (
        "Tampilan daftar laporan di dasbor instansi sudah membantu.",
        "Banyak laporan yang kurang lengkap lokasinya.",
        "Batas waktu lima hari kerja sering terlalu singkat untuk pekerjaan fisik.",
        "Laporan yang salah alamat masih cukup banyak.",
    ),
}
SURVEY_REQUESTS = {
    "citizen": (
        "Mohon ada batas waktu yang jelas untuk tindak lanjut.",
        "Sebaiknya dilampirkan foto hasil perbaikan di lapangan.",
        "Mohon ada kabar perkembangan setiap minggu.",
        "Tolong ditambah pemberitahuan lewat WhatsApp setiap ada tanggapan.",
        "Sosialisasi ke desa-desa perlu diperbanyak agar warga tahu LAPOR!.",
        "Mohon laporan yang diberi nilai rendah diperiksa ulang oleh atasan.",
        "Tolong formulirnya dibuat lebih sederhana.",
        "Semoga semua instansi bisa secepat ini.",
        "Pertahankan.",
    ),
    "official": (
        "Notifikasi disposisi sebaiknya juga dikirim lewat surel agar tidak terlewat saat di lapangan.",
        "Perlu pelatihan ulang bagi pejabat penghubung yang baru, terutama soal batas waktu dan tindak lanjut sementara.",
        "Mohon formulir warga mewajibkan kelurahan/desa.",
        "Akan lebih baik bila daftar laporan bisa diunduh untuk rapat evaluasi.",
        "Mohon Admin Nasional lebih teliti saat mendisposisikan laporan.",
    ),
}
SURVEY_CONTACT = (
    "Kalau perlu penjelasan, hubungi saya di 0812-0000-{nomor}.",
    "Tolong balas ke surel {surel}.",
)
