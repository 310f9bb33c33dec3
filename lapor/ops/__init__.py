"""Running the service: the embedded worker loop (`manage.py run_worker`). The top layer: it may
call every app's jobs, and nothing imports it."""
