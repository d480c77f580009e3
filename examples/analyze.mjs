// Analyse a media file on DFPN with the TypeScript SDK and print the verdict and every worker's answer.
//
//   node examples/analyze.mjs [media file] [network]        (after: npm install --prefix examples)
//
// media file: default examples/sample.jpg (a drawn face, no photo of anyone).
// network:
//   'local' (default): the program (dfpn.so, shipped in the package) in an embedded LiteSVM inside this process.
//     The TypeScript embedded network runs no real workers, so three TEST workers from '@dfpn/sdk/testing' answer
//     here: scripted verdicts (Manipulated, with a face-swap region), not detectors. For the reference workers and
//     their real detectors, use the Python example (examples/analyze.py) or a local validator:
//   'localnet' (after `make localnet WORKERS=3`: a validator with dfpn-worker processes) or an http(s) RPC URL: the
//     real workers answer; the wallet is $DFPN_KEYPAIR, else .localnet/client.json (which make localnet funds).
import { fileURLToPath } from 'node:url';
import { DFPNClient, loadKeypair } from '@dfpn/sdk';
import { startTestWorkers } from '@dfpn/sdk/testing';

const mediaPath = process.argv[2] ?? fileURLToPath(new URL('sample.jpg', import.meta.url));
const network = process.argv[3] ?? 'local';

const local = network === 'local';
const wallet = local ? undefined : await loadKeypair(process.env.DFPN_KEYPAIR ?? '.localnet/client.json');
const client = new DFPNClient({ network, wallet });
const testWorkers = local ? await startTestWorkers(client, { count: 3 }) : undefined;
try {
  console.log(`analysing ${mediaPath} on ${network}${local ? ' (test workers)' : ''}`);
  const result = await client.analyze(mediaPath, {
    onProgress: (p) =>
      console.log(`  ${p.stage.padEnd(10)} seats ${p.seatsDrawn}/${p.minWorkers}  commits ${p.commits}  reveals ${p.reveals}`),
  });
  console.log(`\nverdict: ${result.verdict}  confidence: ${result.confidence}%  consensus: ${result.consensusType}`);
  console.log(`fee: ${result.feeLamports} lamports   request: ${result.requestId}`);
  for (const w of result.workerResults) {
    const verified = w.reportVerified ? 'verified' : 'NOT verified';
    console.log(`  worker ${w.worker}  model ${w.modelId}: ${w.verdict} (${w.confidence}%), report ${verified}`);
    for (const d of w.detections) console.log(`      ${d.type}: ${d.confidence.toFixed(2)}`);
  }
  console.log(`audit: submitted in ${result.audit.requestTx}, finalized in ${result.audit.finalizeTx}`);
} finally {
  await testWorkers?.stop();
  await client.close();
}

