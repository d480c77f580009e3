//! `update_worker`: the operator replaces its worker's modalities and models.
use dfpn_tests::*;
use serde_json::json;
use solana_address::Address;
use solana_instruction::Instruction;
use solana_keypair::Keypair;
use solana_signer::Signer;

const MODEL: &str = "face-forensics-sbi";
const NEW_MODEL: &str = "deepfake-detector-v2";
const EMPTY: [u8; 32] = [0; 32];

/// A configured network and one worker declaring every modality and two models; returns (env, operator, PDA).
fn setup() -> (Env, Keypair, Address) {
    let mut env = Env::new();
    let operator = env.register_worker(LAMPORTS_PER_SOL, modality::ALL, &[MODEL, "voice-clone-detector"]);
    let worker = env.worker_pda(&operator.pubkey());
    (env, operator, worker)
}

fn update_ix(env: &Env, operator: &Keypair) -> Instruction {
    env.ix_update_worker(&operator.pubkey(), modality::FACE_MANIPULATION, &[model_address(NEW_MODEL).to_bytes()])
}

#[test]
fn replaces_modalities_and_models() {
    // Given a worker declaring every modality and two models
    let (mut env, operator, worker) = setup();
    let state_before = env.decode("Worker", &worker).unwrap();
    let (worker_lamports, operator_lamports) = (env.lamports(&worker), env.lamports(&operator.pubkey()));

    // When the operator narrows it to face manipulation with one new model (signing read-only)
    let ix = update_ix(&env, &operator);
    assert!(!ix.accounts[0].is_writable);
    let meta = env.send(&[ix], &[&operator]).expect("update_worker");

    // Then the capabilities are replaced, the old second model slot cleared, and nothing else changed
    let mut expected = state_before;
    expected["modalities"] = json!(modality::FACE_MANIPULATION);
    expected["model_count"] = json!(1);
    expected["models"] = json!([model_address(NEW_MODEL).as_ref(), EMPTY, EMPTY, EMPTY]);
    assert_eq!(env.decode("Worker", &worker).unwrap(), expected);
    // And no lamports moved but the fee
    assert_eq!(env.lamports(&worker), worker_lamports);
    assert_eq!(env.lamports(&operator.pubkey()), operator_lamports - meta.fee);
    // And the change is announced
    assert_eq!(
        events(&env, &meta),
        vec![(
            "WorkerUpdated".to_string(),
            json!({ "worker": worker.to_bytes(), "modalities": modality::FACE_MANIPULATION, "model_count": 1 })
        )]
    );
}

#[test]
fn a_new_modality_counts_only_for_later_draws_and_a_narrowing_changes_nothing() {
    // Given a face-manipulation worker a slot after it registered
    let mut env = Env::new();
    let models = [model_address(NEW_MODEL).to_bytes()];
    let operator = env.register_worker(env.params.min_stake, modality::FACE_MANIPULATION, &[NEW_MODEL]);
    let worker = env.worker_pda(&operator.pubkey());
    let registered = env.decode("Worker", &worker).unwrap()["eligible_since_slot"].clone();
    env.advance(1);
    // When it narrows nothing but keeps its modality / Then its draw eligibility keeps its slot
    let ix = env.ix_update_worker(&operator.pubkey(), modality::FACE_MANIPULATION, &models);
    env.send(&[ix], &[&operator]).expect("update_worker");
    assert_eq!(env.decode("Worker", &worker).unwrap()["eligible_since_slot"], registered);
    // When it adds voice cloning / Then only draws after this slot may use it
    let ix = env.ix_update_worker(&operator.pubkey(), modality::FACE_MANIPULATION | modality::VOICE_CLONING, &models);
    env.send(&[ix], &[&operator]).expect("update_worker");
    let slot = env.svm.get_sysvar::<solana_clock::Clock>().slot;
    assert_eq!(env.decode("Worker", &worker).unwrap()["eligible_since_slot"], slot);
    assert_ne!(registered, slot);
}

#[test]
fn rejects_missing_accounts() {
    // Given the instruction without the worker account
    let (mut env, operator, worker) = setup();
    let mut ix = update_ix(&env, &operator);
    ix.accounts.pop();
    let watched = [operator.pubkey(), worker];

    // When it is sent / Then it fails, changing nothing
    env.assert_rejected(&[ix], &[&operator], &watched, "NotEnoughAccounts");
}

#[test]
fn rejects_an_operator_that_does_not_sign() {
    // Given the operator's account listed without its signature
    let (mut env, operator, worker) = setup();
    let mut ix = update_ix(&env, &operator);
    ix.accounts[0].is_signer = false;
    let watched = [operator.pubkey(), worker];

    // When a third party sends it / Then it fails, changing nothing
    env.assert_rejected(&[ix], &[], &watched, "MissingSignature");
}

#[test]
fn rejects_a_read_only_worker_account() {
    // Given the worker PDA marked read-only
    let (mut env, operator, worker) = setup();
    let mut ix = update_ix(&env, &operator);
    ix.accounts[1].is_writable = false;
    let watched = [operator.pubkey(), worker];

    // When it is sent / Then it fails, changing nothing
    env.assert_rejected(&[ix], &[&operator], &watched, "AccountNotWritable");
}

#[test]
fn rejects_a_worker_owned_by_another_program() {
    // Given the worker's data held by another owner
    let (mut env, operator, worker) = setup();
    env.edit_account(&worker, |a| a.owner = Keypair::new().pubkey());
    let watched = [operator.pubkey(), worker];

    // When the operator updates it
    let ix = update_ix(&env, &operator);

    // Then
    env.assert_rejected(&[ix], &[&operator], &watched, "InvalidAccountOwner");
}

#[test]
fn rejects_a_worker_with_the_wrong_discriminator() {
    // Given the worker's discriminator corrupted
    let (mut env, operator, worker) = setup();
    env.edit_account(&worker, |a| a.data[0] ^= 0xff);
    let watched = [operator.pubkey(), worker];

    // When the operator updates it
    let ix = update_ix(&env, &operator);

    // Then
    env.assert_rejected(&[ix], &[&operator], &watched, "InvalidAccountData");
}

#[test]
fn rejects_a_worker_with_the_wrong_length() {
    // Given the worker one byte short
    let (mut env, operator, worker) = setup();
    env.edit_account(&worker, |a| {
        a.data.pop();
    });
    let watched = [operator.pubkey(), worker];

    // When the operator updates it
    let ix = update_ix(&env, &operator);

    // Then
    env.assert_rejected(&[ix], &[&operator], &watched, "InvalidAccountData");
}

#[test]
fn rejects_a_signer_that_is_not_the_workers_authority() {
    // Given another registered operator naming this worker's PDA
    let (mut env, operator, worker) = setup();
    let impostor = env.register_worker(LAMPORTS_PER_SOL, modality::ALL, &[MODEL]);
    let mut ix = update_ix(&env, &impostor);
    ix.accounts[1].pubkey = worker;
    let watched = [operator.pubkey(), worker, impostor.pubkey(), env.worker_pda(&impostor.pubkey())];

    // When it sends the instruction / Then it fails, changing nothing
    env.assert_rejected(&[ix], &[&impostor], &watched, "Unauthorized");
}

#[test]
fn rejects_truncated_or_overlong_instruction_data() {
    let (mut env, operator, worker) = setup();
    let watched = [operator.pubkey(), worker];
    let metas = update_ix(&env, &operator).accounts;
    let declares_two_sends_one = env.ix(
        "update_worker",
        metas,
        Args::default().u8(modality::ALL).bytes(&2u32.to_le_bytes()).bytes(&model_id(MODEL)),
    );
    let mut truncated = update_ix(&env, &operator);
    truncated.data.pop();
    let mut trailing = update_ix(&env, &operator);
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
    let (mut env, operator, worker) = setup();
    let models: Vec<[u8; 32]> = (1..=5).map(|i| model_address(&format!("m{i}")).to_bytes()).collect();
    let ix = env.ix_update_worker(&operator.pubkey(), modality::ALL, &models);
    let watched = [operator.pubkey(), worker];

    // When the operator updates / Then it fails, changing nothing
    env.assert_rejected(&[ix], &[&operator], &watched, "TooManyModels");
}

#[test]
fn rejects_no_models_or_a_zero_model_address() {
    let (mut env, operator, worker) = setup();
    let watched = [operator.pubkey(), worker];
    let cases: [&[[u8; 32]]; 3] = [&[], &[[0u8; 32]], &[model_address(MODEL).to_bytes(), [0u8; 32]]];
    for models in cases {
        // Given a model list that is empty or holds the all-zero address (no model PDA can have it)
        let ix = env.ix_update_worker(&operator.pubkey(), modality::ALL, models);

        // When the operator updates / Then it fails, changing nothing
        env.assert_rejected(&[ix], &[&operator], &watched, "InvalidModelId");
    }
}

#[test]
fn rejects_empty_or_unknown_modalities() {
    let (mut env, operator, worker) = setup();
    let watched = [operator.pubkey(), worker];
    for modalities in [0, 1 << 5, modality::ALL | 1 << 7] {
        // Given no modality, or a bit beyond the five known ones
        let ix = env.ix_update_worker(&operator.pubkey(), modalities, &[model_address(MODEL).to_bytes()]);

        // When the operator updates / Then it fails, changing nothing
        env.assert_rejected(&[ix], &[&operator], &watched, "InvalidModalities");
    }
}

#[test]
fn rejects_changes_while_the_worker_holds_a_seat() {
    // Given a worker seated in an open request
    let (mut env, operator, worker) = setup();
    let client = env.keypair(LAMPORTS_PER_SOL);
    let request = env.submit(&client, &RequestSpec { min_workers: 1, max_workers: 2, ..Default::default() });
    env.join(&operator, &request).expect("join");
    let watched = [operator.pubkey(), worker, request];

    // When the operator changes its models mid-request (its own reveal would then fail)
    let ix = update_ix(&env, &operator);

    // Then
    env.assert_rejected(&[ix], &[&operator], &watched, "WorkerHasActiveCommitments");
}
