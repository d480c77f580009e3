// Read a request's result from any cluster, without a wallet: verdict, per-worker results with their reports
// verified against the committed hashes, and the audit block, as JSON (the same format as the Python SDK).
//
//   node examples/read-result.mjs <rpc url | localnet | devnet> <request id>
//
// IPFS report URIs are read through the Kubo API at DFPN_IPFS_API (default http://127.0.0.1:5001).
import { DFPNClient, toJson } from '@dfpn/sdk';

const [network, requestId] = process.argv.slice(2);
if (!network || !requestId) {
  console.error('usage: node examples/read-result.mjs <rpc url | localnet | devnet> <request id>');
  process.exit(2);
}
const client = new DFPNClient({ network, autoCrank: false });
try {
  const result = await client.waitForResult(requestId, { timeout: 60_000 });
  console.log(toJson(result, 2));
} finally {
  await client.close();
}
