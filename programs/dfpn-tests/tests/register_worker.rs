//! `register_worker`: an operator creates its worker PDA, funding rent and stake.
use dfpn_tests::*;
use serde_json::json;
use solana_address::Address;
use solana_instruction::Instruction;
use solana_keypair::Keypair;
use solana_signer::Signer;

const STAKE: u64 = 2 * LAMPORTS_PER_SOL;
const MODEL: &str = "face-forensics-sbi";
const EMPTY: [u8; 32] = [0; 32];

/// A configured network and an operator with 10 SOL that has not registered yet.
fn setup() -> (Env, Keypair) {
    let mut env = Env::new();
    let operator = env.keypair(10 * LAMPORTS_PER_SOL);
    (env, operator)
}

/// Every account `register_worker` could touch.
fn watched(env: &Env, operator: &Keypair) -> Vec<Address> {
    vec![operator.pubkey(), env.worker_pda(&operator.pubkey()), env.config()]
}

fn register_ix(env: &Env, operator: &Keypair) -> Instruction {
    env.ix_register_worker(&operator.pubkey(), STAKE, modality::ALL, &[model_address(MODEL).to_bytes()])
}

#[test]
fn registers_a_worker_with_its_stake_and_capabilities() {
    // Given an operator with 10 SOL
    let (mut env, operator) = setup();
    let worker = env.worker_pda(&operator.pubkey());
    let models = [model_address(MODEL).to_bytes(), model_address("voice-clone-detector").to_bytes()];
    let modalities = modality::FACE_MANIPULATION | modality::VOICE_CLONING;

    // When it registers with 2 SOL of stake and two models
    let ix = env.ix_register_worker(&operator.pubkey(), STAKE, modalities, &models);
    let meta = env.send(&[ix], &[&operator]).expect("register_worker");

    // Then the worker account holds exactly what was declared, first in the draw pool, drawable from this slot
    let slot = env.svm.get_sysvar::<solana_clock::Clock>().slot;
    let bump = Address::find_program_address(&[b"worker", operator.pubkey().as_ref()], &env.program_id).1;
    assert_eq!(
        env.decode("Worker", &worker).unwrap(),
        json!({
            "authority": operator.pubkey().to_bytes(),
            "stake": STAKE,
            "unbonding_amount": 0,
            "unbonding_ends_at": 0,
            "rewards": 0,
            "reputation": 6_250,
            "active_seats": 0,
            "modalities": modalities,
            "model_count": 2,
            "bump": bump,
            "reserved0": 0,
            "models": [models[0], models[1], EMPTY, EMPTY],
            "jobs_done": 0,
            "jobs_agreed": 0,
            "slashed_total": 0,
            "registered_at": START_TIME,
            "bonded": 0,
            "pool_index": 0,
            "eligible_since_slot": slot,
            "reserved": vec![0; 12],
        })
    );
    // And the operator paid rent + stake (+ the fee), all of which the worker holds
    let rent = env.rent(env.idl.account_len("Worker"));
    assert_eq!(env.lamports(&worker), rent + STAKE);
    assert_eq!(env.lamports(&operator.pubkey()), 10 * LAMPORTS_PER_SOL - rent - STAKE - meta.fee);
    // And the registration is announced
    assert_eq!(
        events(&env, &meta),
        vec![(
            "WorkerRegistered".to_string(),
            json!({
                "worker": worker.to_bytes(),
                "authority": operator.pubkey().to_bytes(),
                "stake": STAKE,
                "modalities": modalities,
            })
        )]
    );
}

#[test]
fn accepts_exactly_the_minimum_stake_and_four_models() {
    // Given an operator declaring the most models a worker may have
    let (mut env, operator) = setup();
    let models = ["m1", "m2", "m3", "m4"].map(|m| model_address(m).to_bytes());
    let min_stake = env.params.min_stake;

    // When it registers with exactly the minimum stake
    let ix = env.ix_register_worker(&operator.pubkey(), min_stake, modality::ALL, &models);
    env.send(&[ix], &[&operator]).expect("register_worker");

    // Then both limits are inclusive
    let worker = env.decode("Worker", &env.worker_pda(&operator.pubkey())).unwrap();
    assert_eq!(worker["stake"], min_stake);
    assert_eq!(worker["model_count"], 4);
    assert_eq!(worker["models"], json!(models));
}

#[test]
fn registers_even_when_someone_prefunded_the_worker_address() {
    // Given a third party sent lamports to the operator's future worker address
    let (mut env, operator) = setup();
    let worker = env.worker_pda(&operator.pubkey());
    let prefund = 1_000_000;
    env.fund(&worker, prefund);

    // When the operator registers
    let ix = register_ix(&env, &operator);
    let meta = env.send_paid(&[ix], &[&operator]).expect("register_worker");

    // Then the worker holds exactly rent + stake and the operator paid only the difference
    let rent = env.rent(env.idl.account_len("Worker"));
    assert_eq!(env.lamports(&worker), rent + STAKE);
    assert_eq!(env.lamports(&operator.pubkey()), 10 * LAMPORTS_PER_SOL - (rent + STAKE - prefund));
    assert_eq!(env.decode("Worker", &worker).unwrap()["stake"], STAKE);
    assert_eq!(events(&env, &meta)[0].0, "WorkerRegistered");
}

#[test]
fn a_prefund_above_rent_and_stake_still_leaves_the_worker_books_balanced() {
    // Given a third party sent 5 SOL to the operator's future worker address
    let (mut env, operator) = setup();
    let worker = env.worker_pda(&operator.pubkey());
    env.fund(&worker, 5 * LAMPORTS_PER_SOL);

    // When the operator registers with 2 SOL of stake
    let ix = register_ix(&env, &operator);
    env.send_paid(&[ix], &[&operator]).expect("register_worker");

    // Then every lamport the worker holds is accounted for (docs/protocol.md: rent + stake + unbonding + rewards)
    let w = env.decode("Worker", &worker).unwrap();
    let held = ["stake", "unbonding_amount", "rewards"].iter().map(|f| w[f].as_u64().unwrap()).sum::<u64>();
    assert_eq!(env.lamports(&worker), env.rent(env.idl.account_len("Worker")) + held);
}

#[test]
fn rejects_missing_accounts() {
    // Given the instruction without its system program
    let (mut env, operator) = setup();
    let mut ix = register_ix(&env, &operator);
    ix.accounts.pop();
    let watched = watched(&env, &operator);

    // When it is sent / Then it fails, changing nothing
    env.assert_rejected(&[ix], &[&operator], &watched, "NotEnoughAccounts");
}

#[test]
fn rejects_an_operator_that_does_not_sign() {
    // Given the operator's account listed without its signature
    let (mut env, operator) = setup();
    let mut ix = register_ix(&env, &operator);
    ix.accounts[0].is_signer = false;
    let watched = watched(&env, &operator);

    // When a third party sends it / Then it fails, changing nothing
    env.assert_rejected(&[ix], &[], &watched, "MissingSignature");
}

#[test]
fn rejects_a_read_only_operator() {
    // Given the paying operator marked read-only
    let (mut env, operator) = setup();
    let mut ix = register_ix(&env, &operator);
    ix.accounts[0].is_writable = false;
    let watched = watched(&env, &operator);

    // When it is sent / Then it fails, changing nothing
    env.assert_rejected(&[ix], &[&operator], &watched, "AccountNotWritable");
}

#[test]
fn rejects_a_read_only_worker_account() {
    // Given the worker PDA marked read-only
    let (mut env, operator) = setup();
    let mut ix = register_ix(&env, &operator);
    ix.accounts[1].is_writable = false;
    let watched = watched(&env, &operator);

    // When it is sent / Then it fails, changing nothing
    env.assert_rejected(&[ix], &[&operator], &watched, "AccountNotWritable");
}

#[test]
fn rejects_a_worker_address_that_is_not_the_operators_pda() {
    // Given the worker PDA of some other key in place of the operator's
    let (mut env, operator) = setup();
    let wrong = env.worker_pda(&Keypair::new().pubkey());
    let mut ix = register_ix(&env, &operator);
    ix.accounts[1].pubkey = wrong;
    let mut watched = watched(&env, &operator);
    watched.push(wrong);

    // When it is sent / Then it fails, changing nothing
    env.assert_rejected(&[ix], &[&operator], &watched, "InvalidPda");
}

#[test]
fn rejects_a_config_owned_by_another_program() {
    // Given the config's data held by another owner
    let (mut env, operator) = setup();
    let config = env.config();
    env.edit_account(&config, |a| a.owner = Keypair::new().pubkey());
    let watched = watched(&env, &operator);

    // When the operator registers
    let ix = register_ix(&env, &operator);

    // Then
    env.assert_rejected(&[ix], &[&operator], &watched, "InvalidAccountOwner");
}

#[test]
fn rejects_a_config_with_the_wrong_discriminator() {
    // Given the config's discriminator corrupted
    let (mut env, operator) = setup();
    let config = env.config();
    env.edit_account(&config, |a| a.data[0] ^= 0xff);
    let watched = watched(&env, &operator);

    // When the operator registers
    let ix = register_ix(&env, &operator);

    // Then
    env.assert_rejected(&[ix], &[&operator], &watched, "InvalidAccountData");
}

#[test]
fn rejects_a_config_with_the_wrong_length() {
    // Given the config one byte short
    let (mut env, operator) = setup();
    let config = env.config();
    env.edit_account(&config, |a| {
        a.data.pop();
    });
    let watched = watched(&env, &operator);

    // When the operator registers
    let ix = register_ix(&env, &operator);

    // Then
    env.assert_rejected(&[ix], &[&operator], &watched, "InvalidAccountData");
}

#[test]
fn rejects_a_wrong_system_program() {
    // Given some other account in the system program's place
    let (mut env, operator) = setup();
    let mut ix = register_ix(&env, &operator);
    ix.accounts[3].pubkey = Keypair::new().pubkey();
    let watched = watched(&env, &operator);

    // When it is sent / Then it fails, changing nothing
    env.assert_rejected(&[ix], &[&operator], &watched, "InvalidSystemProgram");
}

#[test]
fn rejects_truncated_or_overlong_instruction_data() {
    let (mut env, operator) = setup();
    let watched = watched(&env, &operator);
    let metas = register_ix(&env, &operator).accounts;
    let declares_two_sends_one = env.ix(
        "register_worker",
        metas,
        Args::default().u64(STAKE).u8(modality::ALL).bytes(&2u32.to_le_bytes()).bytes(&model_id(MODEL)),
    );
    let mut truncated = register_ix(&env, &operator);
    truncated.data.pop();
    let mut trailing = register_ix(&env, &operator);
    trailing.data.push(0);
    for ix in [truncated, trailing, declares_two_sends_one] {
        // Given instruction data that is not exactly one encoded argument list
        // When it is sent / Then it fails, changing nothing
        env.assert_rejected(&[ix], &[&operator], &watched, "InvalidInstructionData");
    }
}

#[test]
fn rejects_more_than_four_models() {
    // Given five models
    let (mut env, operator) = setup();
    let models: Vec<[u8; 32]> = (1..=5).map(|i| model_address(&format!("m{i}")).to_bytes()).collect();
    let ix = env.ix_register_worker(&operator.pubkey(), STAKE, modality::ALL, &models);
    let watched = watched(&env, &operator);

    // When the operator registers / Then it fails, changing nothing
    env.assert_rejected(&[ix], &[&operator], &watched, "TooManyModels");
}

#[test]
fn rejects_no_models_or_a_zero_model_address() {
    let (mut env, operator) = setup();
    let watched = watched(&env, &operator);
    let cases: [&[[u8; 32]]; 3] = [&[], &[[0u8; 32]], &[model_address(MODEL).to_bytes(), [0u8; 32]]];
    for models in cases {
        // Given a model list that is empty or holds the all-zero address (no model PDA can have it)
        let ix = env.ix_register_worker(&operator.pubkey(), STAKE, modality::ALL, models);

        // When the operator registers / Then it fails, changing nothing
        env.assert_rejected(&[ix], &[&operator], &watched, "InvalidModelId");
    }
}

#[test]
fn rejects_empty_or_unknown_modalities() {
    let (mut env, operator) = setup();
    let watched = watched(&env, &operator);
    for modalities in [0, 1 << 5, modality::ALL | 1 << 7] {
        // Given no modality, or a bit beyond the five known ones
        let ix = env.ix_register_worker(&operator.pubkey(), STAKE, modalities, &[model_address(MODEL).to_bytes()]);

        // When the operator registers / Then it fails, changing nothing
        env.assert_rejected(&[ix], &[&operator], &watched, "InvalidModalities");
    }
}

#[test]
fn rejects_stake_below_the_minimum() {
    // Given one lamport less than the minimum stake
    let (mut env, operator) = setup();
    let ix = env.ix_register_worker(
        &operator.pubkey(),
        env.params.min_stake - 1,
        modality::ALL,
        &[model_address(MODEL).to_bytes()],
    );
    let watched = watched(&env, &operator);

    // When the operator registers / Then it fails, changing nothing
    env.assert_rejected(&[ix], &[&operator], &watched, "InsufficientStake");
}

#[test]
fn rejects_an_operator_who_cannot_pay_rent_and_stake() {
    // Given an operator holding exactly the stake but not the rent on top
    let mut env = Env::new();
    let operator = env.keypair(STAKE);
    let watched = watched(&env, &operator);

    // When it registers with all of it as stake
    let ix = register_ix(&env, &operator);

    // Then
    env.assert_rejected(&[ix], &[&operator], &watched, "InsufficientFunds");
}

#[test]
fn rejects_registering_twice() {
    // Given a registered worker
    let (mut env, operator) = setup();
    env.send(&[register_ix(&env, &operator)], &[&operator]).expect("first register_worker");
    let watched = watched(&env, &operator);

    // When the operator registers again
    let ix = register_ix(&env, &operator);

    // Then
    env.assert_rejected(&[ix], &[&operator], &watched, "AccountAlreadyInitialized");
}
