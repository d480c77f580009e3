from dfpn_gateway.cli import run

run()
