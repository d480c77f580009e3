// Quick start: submit media for analysis and wait for the verified verdict.
//
//   node examples/quickstart.mjs [media file]
//
// It runs on the 'local' network: the DFPN program (the package's own program/dfpn.so; else DFPN_PROGRAM_SO or
// target/deploy/dfpn.so) in an embedded LiteSVM, Node only, which runs no workers of its own; here three test workers
// from '@dfpn/sdk/testing' answer (without them the wait fails at once with LOCAL_WORKERS_MISSING): submitRequest draws the
// request's seats from the registered workers, and each test worker accepts the seat it was drawn for. On a real
// cluster use new DFPNClient({ network: 'devnet' | 'localnet' | 'https://...', wallet }) and drop the test workers.
import { writeFileSync, existsSync } from 'node:fs';
import { DFPNClient, Modality, toJson } from '@dfpn/sdk';
import { startTestWorkers } from '@dfpn/sdk/testing';

const mediaPath = process.argv[2] ?? './photo.jpg';
if (!existsSync(mediaPath)) writeFileSync(mediaPath, 'not really a photo'); // something to hash and submit

const client = new DFPNClient({ network: 'local' });
const workers = await startTestWorkers(client, { count: 3 });
try {
  const request = await client.submitRequest({
    mediaPath,
    modalities: [Modality.FaceManipulation, Modality.ImageAuthenticity],
    // minWorkers: by default 3, or the network's minWorkersFloor when higher (1 on the local network)
    maxFee: 0.01,
    deadline: Date.now() + 300_000,
  });
  console.log(`request ${request.id}: fee ${request.feeLamports} lamports, stored at ${request.storageUri}`);
  console.log(`drawn: ${request.drawn.join(', ')}`);
  const result = await client.waitForResult(request.id, { timeout: 360_000 });
  console.log(`verdict: ${result.verdict} (confidence ${result.confidence}, ${result.consensusType})`);
  console.log(toJson(result, 2));
} finally {
  await workers.stop();
  await client.close();
}
