// DO NOT EDIT. Generated from idl/dfpn.json and idl/errors.catalogue.json by sdk-ts/scripts/generate.mjs
// (`npm run generate`); `npm run check-generated` fails when this folder is not what the generator writes.
import type { Address } from '@solana/kit';

/** The BPF upgradeable loader: a program's ProgramData account is the PDA of `[program id]` under it (IDL: `initialize_config.program_data`). */
export const BPF_LOADER_UPGRADEABLE_ADDRESS = 'BPFLoaderUpgradeab1e11111111111111111111111' as Address<'BPFLoaderUpgradeab1e11111111111111111111111'>;
