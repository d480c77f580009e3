from dfpn_challenger.cli import main

main()
