/**
 * The program through @coral-xyz/anchor's `Program`, loaded from the committed IDL (spec 0.1.0): Anchor's methods
 * builder makes `initialize_config` (signed by the upgrade authority LiteSvmTransport sets) and `set_paused`, the
 * transactions go to dfpn.so in LiteSVM, and Anchor's coders
 * decode the Config account and the events. Anchor is built on @solana/web3.js v1; the SDK is on @solana/kit, so the
 * test converts Anchor's `TransactionInstruction` into a kit instruction (`fromWeb3Instruction`).
 */
import { AnchorProvider, BN, BorshCoder, EventParser, Program, Wallet, type Idl } from '@coral-xyz/anchor';
import { Connection, Keypair, PublicKey, type TransactionInstruction } from '@solana/web3.js';
import { AccountRole, address, type Instruction } from '@solana/kit';
import { describe, expect, test } from 'vitest';
import { configAddress, DFPN_IDL, getConfigDecoder, PROGRAM_ID, programDataAddress, REFERENCE_PARAMS } from '../src/index.js';
import { LiteSvmTransport } from '../src/local.js';
import { loadIdl, PROGRAM_SO } from './helpers.js';

/** A web3.js v1 instruction (what Anchor builds) as a kit instruction. */
function fromWeb3Instruction(i: TransactionInstruction): Instruction {
  return {
    programAddress: address(i.programId.toBase58()),
    accounts: i.keys.map((k) => ({
      address: address(k.pubkey.toBase58()),
      role: k.isSigner
        ? k.isWritable
          ? AccountRole.WRITABLE_SIGNER
          : AccountRole.READONLY_SIGNER
        : k.isWritable
          ? AccountRole.WRITABLE
          : AccountRole.READONLY,
    })),
    data: new Uint8Array(i.data),
  };
}

describe('@coral-xyz/anchor Program from idl/dfpn.json', () => {
  test('initialize_config and set_paused built by Anchor run on dfpn.so; Anchor decodes the Config and the events', async () => {
    // Given a fresh deployment (not initialised) and Anchor's Program from the committed IDL
    const net = await LiteSvmTransport.create({ programPath: PROGRAM_SO, initialize: false });
    const authority = net.authority;
    const provider = new AnchorProvider(new Connection('http://127.0.0.1:9'), new Wallet(Keypair.generate()), {});
    const program = new Program(loadIdl() as Idl, provider);
    expect(program.programId.toBase58()).toBe(PROGRAM_ID);
    // The generated DFPN_IDL constant is the same IDL
    expect(new Program(DFPN_IDL as unknown as Idl, provider).idl.instructions.length).toBe(31);

    // When Anchor's methods builder makes initialize_config (PDAs resolved by Anchor from the IDL's seeds, the
    // program_data account under the BPF upgradeable loader, as the IDL's "program" says)
    const params = {
      baseFees: REFERENCE_PARAMS.baseFees.map((f) => new BN(f.toString())),
      workerSurchargeBps: REFERENCE_PARAMS.workerSurchargeBps,
      nonRevealSlashBps: REFERENCE_PARAMS.nonRevealSlashBps,
      maxWeightBps: REFERENCE_PARAMS.maxWeightBps,
      reputationAlphaBps: REFERENCE_PARAMS.reputationAlphaBps,
      minStake: new BN(REFERENCE_PARAMS.minStake.toString()),
      unbondingSecs: new BN(REFERENCE_PARAMS.unbondingSecs.toString()),
      minDeadlineSecs: new BN(REFERENCE_PARAMS.minDeadlineSecs.toString()),
      revealWindowSecs: new BN(REFERENCE_PARAMS.revealWindowSecs.toString()),
      minConsensusWeight: REFERENCE_PARAMS.minConsensusWeight,
      maxDeadlineSecs: new BN(REFERENCE_PARAMS.maxDeadlineSecs.toString()),
      noConsensusFeeBps: REFERENCE_PARAMS.noConsensusFeeBps,
      seatBondMultiplier: REFERENCE_PARAMS.seatBondMultiplier,
      challengeSlashBps: REFERENCE_PARAMS.challengeSlashBps,
      minWorkersFloor: REFERENCE_PARAMS.minWorkersFloor,
      drawStakeCap: new BN(REFERENCE_PARAMS.drawStakeCap.toString()),
    };
    const authorityKey = new PublicKey(authority.address);
    const init = await program.methods["initializeConfig"]!(params).accounts({ authority: authorityKey }).instruction();
    expect(init.keys[1]!.pubkey.toBase58()).toBe(await configAddress());
    // (and the program's own account, the IDL's fixed address, 7th)
    expect(init.keys.map((k) => k.pubkey.toBase58()).slice(5)).toEqual([await programDataAddress(), PROGRAM_ID]);
    expect(init.keys.slice(5).map((k) => [k.isSigner, k.isWritable])).toEqual([[false, false], [false, false]]);
    // And it is sent to the program
    await net.process([fromWeb3Instruction(init)], authority);

    // Then Anchor's account coder decodes the Config the program wrote, as the SDK's generated decoder does
    const config = net.account(await configAddress())!;
    const coder = new BorshCoder(loadIdl() as Idl);
    const decoded = coder.accounts.decode('Config', Buffer.from(config.data));
    expect(decoded.authority.toBase58()).toBe(authority.address);
    expect(decoded.params.worker_surcharge_bps ?? decoded.params.workerSurchargeBps).toBe(2_500);
    expect(decoded.params.seat_bond_multiplier ?? decoded.params.seatBondMultiplier).toBe(10);
    expect(decoded.params.non_reveal_slash_bps ?? decoded.params.nonRevealSlashBps).toBe(30_000);
    expect(decoded.params.challenge_slash_bps ?? decoded.params.challengeSlashBps).toBe(200);
    expect(decoded.params.min_workers_floor ?? decoded.params.minWorkersFloor).toBe(5);
    expect((decoded.params.draw_stake_cap ?? decoded.params.drawStakeCap).toString()).toBe('10000000000');
    expect(getConfigDecoder().decode(config.data).params).toEqual(REFERENCE_PARAMS);
    expect(decoded.paused).toBe(0);
    expect(getConfigDecoder().decode(config.data).authority).toBe(authority.address);

    // When Anchor builds set_paused(true) and it is sent
    const pause = await program.methods["setPaused"]!(true).accounts({ authority: authorityKey }).instruction();
    const record = await net.process([fromWeb3Instruction(pause)], authority);

    // Then the Config says paused, and Anchor's EventParser reads the PauseSet event from the logs
    const after = coder.accounts.decode('Config', Buffer.from(net.account(await configAddress())!.data));
    expect(after.paused).toBe(1);
    const events = [...new EventParser(program.programId, coder).parseLogs([...record.logs])];
    expect(events.map((e) => e.name)).toEqual(['PauseSet']);
    expect(events[0]!.data.paused).toBe(true);
  });
});
