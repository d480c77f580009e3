"""The TypeScript SDK's example from the specification, as a new user runs it: `npm pack` of sdk-ts installed into a
clean temporary npm project (not the source tree) with `@solana/web3.js`, and the example pasted verbatim but for
`network` (this session's `solana-test-validator`) and the keypair bytes (a funded key), against three
`dfpn-worker run` processes with the detectors `dfpn-localnet up` runs. It must print the request id, a verdict,
the confidence and three worker results, and exit by itself.

The workers declare exactly the example's modalities (FaceManipulation + ImageAuthenticity) and are retired
(unstaked) afterwards, so no later request of the session draws them.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

from dfpn import LAMPORTS_PER_SOL, Modality, Verdict
from dfpn import instructions as ix
from dfpn.generated.constants import REQUEST_STATUS_FINALIZED
from dfpn.generated.types import Request, Worker
from dfpn.pda import worker_address
from dfpn.rpc import RpcTransport
from dfpn_localnet import Kubo
from dfpn_localnet.workers import launch_workers
from solders.keypair import Keypair
from solders.pubkey import Pubkey

from conftest import ROOT, Endpoint

SDK = ROOT / "sdk-ts"
#: What the three workers run (`dfpn-localnet up --detectors`; by default it runs every installed detector).
DETECTORS = ["ai-metadata-rules", "c2pa-provenance", "jpeg-ghost"]
MODALITIES = [Modality.FACE_MANIPULATION, Modality.IMAGE_AUTHENTICITY]
#: web3.js 1.x has `Keypair`; the registry's `latest` of @solana/web3.js may be 2.x (the kit's predecessor), which
#: has none.
WEB3 = "@solana/web3.js@^1.98.0"

#: The specification's TypeScript example (shared/seeds, file 004: "Connect", "Submit a Request", "Wait for the
#: Result"), verbatim; only the two placeholders are filled in below.
EXAMPLE = """\
import { DFPNClient, Modality } from '@dfpn/sdk';
import { Keypair } from '@solana/web3.js';

const client = new DFPNClient({
  network: 'devnet',
  wallet: Keypair.fromSecretKey(/* your keypair bytes */),
});

const request = await client.submitRequest({
  mediaPath: './photo.jpg',
  modalities: [Modality.FaceManipulation, Modality.ImageAuthenticity],
  minWorkers: 3,
  maxFee: 0.01,  // SOL
  deadline: Date.now() + 300_000,  // 5 minutes
});

console.log('Request ID:', request.id);

const result = await client.waitForResult(request.id, {
  timeout: 360_000,  // 6 minutes
});

console.log('Verdict:', result.verdict);
console.log('Confidence:', result.confidence);
console.log('Workers:', result.workerResults.length);
"""


def test_the_embedded_example_is_the_specifications() -> None:
    """Every line of EXAMPLE is in the specification's text (where shared/ is beside the repository)."""
    seeds = sorted((ROOT.parent / "shared" / "seeds").glob("004_*.txt"))
    if not seeds:
        return  # shared/ is not beside this checkout: nothing to compare with
    spec = seeds[0].read_text()
    for line in EXAMPLE.splitlines():
        assert line.strip() in spec, f"not in the specification: {line!r}"


def fill_in(example: str, network: str, secret: bytes) -> str:
    """The example with its network and keypair bytes, and nothing else, changed."""
    filled = example.replace("network: 'devnet',", f"network: '{network}',")
    filled = filled.replace("/* your keypair bytes */", f"Uint8Array.from({json.dumps(list(secret))})")
    changed = [a for a, b in zip(example.splitlines(), filled.splitlines(), strict=True) if a != b]
    assert len(changed) == 2, changed
    return filled


def photo(path: Path) -> Path:
    """A real JPEG photo-sized image (a gradient)."""
    from PIL import Image

    Image.linear_gradient("L").resize((256, 256)).convert("RGB").save(path, format="JPEG")
    return path


def run(args: list[str], cwd: Path, timeout: float, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        args, cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env, check=False
    )
    assert done.returncode == 0, f"{' '.join(args)}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def packed_sdk(dest: Path) -> Path:
    """`npm pack` of sdk-ts as built by `make test-ts` (dist/ and program/dfpn.so, which must be the built one)."""
    assert (SDK / "dist" / "index.js").is_file(), "build the TypeScript SDK first: make test-ts"
    shipped = SDK / "program" / "dfpn.so"
    built = ROOT / "target" / "deploy" / "dfpn.so"
    assert shipped.is_file(), "sdk-ts/program/dfpn.so is missing: make test-ts (npm run build)"
    digest = [hashlib.sha256(p.read_bytes()).hexdigest() for p in (shipped, built)]
    assert digest[0] == digest[1], "sdk-ts/program/dfpn.so is stale: make test-ts (npm run build)"
    out = run(
        ["npm", "pack", "--json", "--ignore-scripts", "--workspaces=false", "--pack-destination", str(dest)],
        SDK,
        300,
    )
    return dest / json.loads(out)[0]["filename"]


async def test_the_specifications_typescript_example_runs_from_a_clean_npm_project(
    validator: Endpoint, kubo: Kubo, tmp_path: Path
) -> None:
    # Given the SDK packed and installed, with @solana/web3.js, into an empty npm project outside the repository
    assert shutil.which("npm") and shutil.which("node"), "node and npm are needed"
    app = tmp_path / "app"
    app.mkdir()
    (app / "package.json").write_text(
        json.dumps({"name": "dfpn-first-hour", "private": True, "type": "module"})
    )
    tarball = await asyncio.to_thread(packed_sdk, tmp_path)
    npm_install = ["npm", "install", str(tarball), WEB3, "--no-audit", "--no-fund", "--prefer-offline"]
    await asyncio.to_thread(run, [*npm_install, "--loglevel=error"], app, 600)
    assert (app / "node_modules" / "@dfpn" / "sdk" / "program" / "dfpn.so").is_file()
    assert not (app / "node_modules" / "@dfpn" / "sdk" / "src").exists()
    # And a funded key, a photo, and the example with only its network and keypair bytes filled in
    wallet = Keypair()
    photo(app / "photo.jpg")
    (app / "example.mjs").write_text(fill_in(EXAMPLE, validator.url, bytes(wallet)))
    # And three worker processes serving the example's modalities
    workers = await launch_workers(
        validator.url,
        3,
        tmp_path / "workers",
        detectors=[DETECTORS],
        modalities=MODALITIES,
        ipfs_api=kubo.api_url,
        developer=Keypair(),
    )
    async with RpcTransport(validator.url) as rpc:
        await rpc.airdrop(wallet.pubkey(), 2 * LAMPORTS_PER_SOL)
        try:
            # When the example runs (media and reports through the workers' IPFS node)
            env = {**os.environ, "DFPN_IPFS_API": kubo.api_url}
            env.pop("DFPN_PROGRAM_SO", None)
            try:
                out = await asyncio.to_thread(run, ["node", "example.mjs"], app, 420, env)
            except subprocess.TimeoutExpired as e:
                raise AssertionError(f"the example did not finish (or exit) in 420 s: {e.stdout!r}") from e
            # Then it printed the request id, a verdict, the confidence and three worker results, and exited
            request_id = re.search(r"^Request ID: (\w{32,44})$", out, re.M)
            verdict = re.search(r"^Verdict: (Authentic|Manipulated|Inconclusive)$", out, re.M)
            confidence = re.search(r"^Confidence: (\d+)$", out, re.M)
            assert request_id and verdict and confidence, out
            assert re.search(r"^Workers: 3$", out, re.M), out
            # And the chain agrees: the example's request, finalized with that verdict, paid from the key
            account = await rpc.get_account(Pubkey.from_string(request_id.group(1)))
            assert account is not None
            request = Request.from_account_data(account.data)
            assert (request.client, request.status) == (wallet.pubkey(), REQUEST_STATUS_FINALIZED)
            assert (request.min_workers, request.reveals) == (3, 3)
            assert request.modalities == int(MODALITIES[0]) | int(MODALITIES[1])
            assert Verdict.from_code(request.verdict) == verdict.group(1)
            assert request.confidence == int(confidence.group(1))
        finally:
            for w in workers:
                w.stop()
            # Retire the workers: no later request of the session may draw them
            for w in workers:
                worker = await rpc.get_account(worker_address(w.pubkey))
                assert worker is not None
                stake = Worker.from_account_data(worker.data).stake
                await rpc.send_transaction(
                    [ix.request_unstake(authority=w.pubkey, amount=stake)], [w.keypair]
                )
