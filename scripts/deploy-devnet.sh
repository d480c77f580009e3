#!/usr/bin/env bash
# Deploy dfpn.so to devnet under the program id in Anchor.toml and initialise the configuration.
# Needs the Solana CLI (`solana`) and a funded devnet wallet (deploying ~90 KB costs ~0.7 SOL of rent):
#   solana config set --url devnet && solana airdrop 2
#   scripts/deploy-devnet.sh [WALLET]        # default ~/.config/solana/id.json
# The program keypair programs/dfpn/program-keypair.json gives the program id; the wallet becomes the upgrade and
# configuration authority. Not run by the tests (our machines cannot reach devnet).
set -euo pipefail
cd "$(dirname "$0")/.."

WALLET=${1:-$HOME/.config/solana/id.json}
URL=${DFPN_DEVNET_URL:-https://api.devnet.solana.com}
command -v solana >/dev/null || { echo "the Solana CLI is required (https://docs.anza.xyz/cli/install)" >&2; exit 1; }
test -f target/deploy/dfpn.so || make build

solana program deploy --url "$URL" --keypair "$WALLET" \
  --program-id programs/dfpn/program-keypair.json target/deploy/dfpn.so
.venv/bin/dfpn-localnet init-config --url "$URL" --authority "$WALLET"
