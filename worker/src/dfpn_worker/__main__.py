from dfpn_worker.cli import run

run()
