//! `update_config`: the authority replaces the parameters (handing over authority is `propose_authority`).
use dfpn_tests::*;
use serde_json::json;
use solana_instruction::Instruction;
use solana_keypair::Keypair;
use solana_signer::Signer;

/// Send `ix` with a fresh fee payer and assert it fails with `error`, changing none of its accounts nor
/// the config PDA.
#[track_caller]
fn assert_rejected(env: &mut Env, ix: Instruction, signers: &[&Keypair], error: &str) {
    env.assert_ix_rejected(&ix, signers, &[env.config()], error);
}

/// An initialized env, its authority, and an `update_config` that keeps the parameters and authority.
fn setup() -> (Env, Keypair, Instruction) {
    let env = Env::new();
    let authority = env.authority.insecure_clone();
    let ix = env.ix_update_config(&authority.pubkey(), &env.params);
    (env, authority, ix)
}

#[test]
fn authority_replaces_the_params_and_nothing_else() {
    // Given an initialized config and new parameters for every field
    let (mut env, authority, _) = setup();
    let before = env.decode("Config", &env.config()).unwrap();
    let params = Params {
        base_fees: [1_000_000, 2_000_000, 3_000_000, 4_000_000, 5_000_000],
        worker_surcharge_bps: 3_000,
        non_reveal_slash_bps: 20_000,
        max_weight_bps: 7_000,
        reputation_alpha_bps: 500,
        min_stake: 2 * LAMPORTS_PER_SOL,
        unbonding_secs: 7 * 86_400,
        min_deadline_secs: 120,
        reveal_window_secs: 30,
        min_consensus_weight: 6_000,
        max_deadline_secs: 3_600,
        no_consensus_fee_bps: 1_000,
        seat_bond_multiplier: 20,
        challenge_slash_bps: 300,
        min_workers_floor: 4,
        draw_stake_cap: 5 * LAMPORTS_PER_SOL,
    };
    let ix = env.ix_update_config(&authority.pubkey(), &params);

    // When the authority updates the config
    let meta = env.send(&[ix], &[&authority]).expect("update_config");

    // Then the params change and nothing else does (the authority stays: handing over is two-step)
    let mut expected = before;
    expected["params"] = params.to_json();
    assert_eq!(env.decode("Config", &env.config()).unwrap(), expected);
    // And the event names the (unchanged) authority
    assert_eq!(
        events(&env, &meta),
        vec![("ConfigUpdated".to_string(), json!({"authority": authority.pubkey().as_ref()}))]
    );
}

#[test]
fn accepts_params_on_every_inclusive_bound() {
    // Given parameter sets at the low and at the high end of every range
    let low = Params {
        base_fees: [10_000; 5],
        worker_surcharge_bps: 0,
        non_reveal_slash_bps: 10_000,
        max_weight_bps: 1,
        reputation_alpha_bps: 1,
        min_stake: 1,
        unbonding_secs: 0,
        min_deadline_secs: 60,
        reveal_window_secs: 1,
        min_consensus_weight: 0,
        max_deadline_secs: 60,
        no_consensus_fee_bps: 0,
        seat_bond_multiplier: 10,
        challenge_slash_bps: 0,
        min_workers_floor: 1,
        draw_stake_cap: 1,
    };
    let high = Params {
        base_fees: [1_000_000_000_000; 5],
        worker_surcharge_bps: 10_000,
        non_reveal_slash_bps: 60_000,
        max_weight_bps: 10_000,
        reputation_alpha_bps: 5_000,
        min_stake: u64::MAX,
        unbonding_secs: 365 * 86_400,
        min_deadline_secs: 30 * 86_400,
        reveal_window_secs: 30 * 86_400 - 1,
        min_consensus_weight: 100_000,
        max_deadline_secs: 30 * 86_400,
        no_consensus_fee_bps: 5_000,
        seat_bond_multiplier: 100,
        challenge_slash_bps: 500,
        min_workers_floor: 10,
        draw_stake_cap: u64::MAX,
    };
    let (mut env, authority, _) = setup();
    for params in [low, high] {
        // When the authority sets them
        let ix = env.ix_update_config(&authority.pubkey(), &params);
        env.send(&[ix], &[&authority]).unwrap_or_else(|e| panic!("{params:?}: {}", e.meta.pretty_logs()));

        // Then they are stored as given
        assert_eq!(env.decode("Config", &env.config()).unwrap()["params"], params.to_json());
    }
}

#[test]
fn rejects_too_few_accounts() {
    // Given the instruction without the config
    let (mut env, authority, mut ix) = setup();
    ix.accounts.pop();

    // When it is sent / Then it fails, changing nothing
    assert_rejected(&mut env, ix, &[&authority], "NotEnoughAccounts");
}

#[test]
fn rejects_an_authority_that_does_not_sign() {
    // Given the authority's meta is not a signer (another keypair pays the fee)
    let (mut env, _, mut ix) = setup();
    ix.accounts[0].is_signer = false;

    // When it is sent / Then it fails, changing nothing
    assert_rejected(&mut env, ix, &[], "MissingSignature");
}

#[test]
fn rejects_a_read_only_config() {
    // Given the config's meta is read-only
    let (mut env, authority, mut ix) = setup();
    ix.accounts[1].is_writable = false;

    // When it is sent / Then it fails, changing nothing
    assert_rejected(&mut env, ix, &[&authority], "AccountNotWritable");
}

#[test]
fn rejects_a_config_owned_by_another_program() {
    // Given the config's exact bytes under another owner
    let (mut env, authority, ix) = setup();
    let config = env.config();
    env.edit_account(&config, |a| a.owner = Keypair::new().pubkey());

    // When it is sent / Then it fails, changing nothing
    assert_rejected(&mut env, ix, &[&authority], "InvalidAccountOwner");
}

#[test]
fn rejects_a_system_account_as_config() {
    // Given a funded wallet in the config's place
    let (mut env, authority, mut ix) = setup();
    ix.accounts[1].pubkey = env.keypair(LAMPORTS_PER_SOL).pubkey();

    // When it is sent / Then it fails, changing nothing
    assert_rejected(&mut env, ix, &[&authority], "InvalidAccountOwner");
}

#[test]
fn rejects_a_config_with_a_wrong_discriminator() {
    // Given the config's first byte flipped
    let (mut env, authority, ix) = setup();
    let config = env.config();
    env.edit_account(&config, |a| a.data[0] ^= 0xff);

    // When it is sent / Then it fails, changing nothing
    assert_rejected(&mut env, ix, &[&authority], "InvalidAccountData");
}

#[test]
fn rejects_a_config_with_a_wrong_length() {
    // Given the config with one extra byte
    let (mut env, authority, ix) = setup();
    let config = env.config();
    env.edit_account(&config, |a| a.data.push(0));

    // When it is sent / Then it fails, changing nothing
    assert_rejected(&mut env, ix, &[&authority], "InvalidAccountData");
}

#[test]
fn rejects_another_program_account_as_config() {
    // Given the treasury vault (program-owned, another type) in the config's place
    let (mut env, authority, mut ix) = setup();
    ix.accounts[1].pubkey = env.treasury();

    // When it is sent / Then it fails, changing nothing
    assert_rejected(&mut env, ix, &[&authority], "InvalidAccountData");
}

#[test]
fn rejects_a_signer_that_is_not_the_authority() {
    // Given an outsider who signs an update
    let (mut env, _, _) = setup();
    let outsider = env.keypair(LAMPORTS_PER_SOL);
    let ix = env.ix_update_config(&outsider.pubkey(), &env.params);

    // When it is sent / Then it fails with the configuration authority's own error, changing nothing
    assert_rejected(&mut env, ix, &[&outsider], "NotConfigAuthority");
}

#[test]
fn rejects_every_out_of_range_parameter() {
    for (case, params) in Params::out_of_range() {
        // Given parameters with one value just out of range (the case is printed for a failing run)
        println!("case: {case}");
        let (mut env, authority, _) = setup();
        let ix = env.ix_update_config(&authority.pubkey(), &params);

        // When it is sent / Then it fails, changing nothing
        assert_rejected(&mut env, ix, &[&authority], "InvalidConfig");
    }
}

#[test]
fn rejects_truncated_params() {
    // Given the parameters one byte short
    let (mut env, authority, mut ix) = setup();
    ix.data.pop();

    // When it is sent / Then it fails, changing nothing
    assert_rejected(&mut env, ix, &[&authority], "InvalidInstructionData");
}

#[test]
fn rejects_missing_arguments() {
    // Given the discriminator alone
    let (mut env, authority, mut ix) = setup();
    ix.data.truncate(8);

    // When it is sent / Then it fails, changing nothing
    assert_rejected(&mut env, ix, &[&authority], "InvalidInstructionData");
}

#[test]
fn rejects_trailing_bytes() {
    // Given one byte after the parameters
    let (mut env, authority, mut ix) = setup();
    ix.data.push(0);

    // When it is sent / Then it fails, changing nothing
    assert_rejected(&mut env, ix, &[&authority], "InvalidInstructionData");
}

#[test]
fn rejects_an_unknown_discriminator() {
    // Given the instruction with one discriminator byte changed
    let (mut env, authority, mut ix) = setup();
    ix.data[0] ^= 0xff;

    // When it is sent / Then it fails, changing nothing
    assert_rejected(&mut env, ix, &[&authority], "InvalidInstructionData");
}
