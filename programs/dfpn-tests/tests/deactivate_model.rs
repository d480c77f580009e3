//! `deactivate_model`: the developer retires a model so workers can no longer reveal with it.
use dfpn_tests::*;
use serde_json::json;
use solana_instruction::Instruction;
use solana_keypair::Keypair;
use solana_signer::Signer;

/// Send `ix` with a fresh fee payer and assert it fails with `error`, changing none of its accounts nor
/// the model PDA of `MODEL`.
#[track_caller]
fn assert_rejected(env: &mut Env, ix: Instruction, signers: &[&Keypair], error: &str) {
    env.assert_ix_rejected(&ix, signers, &[env.model_pda(&model_id(MODEL))], error);
}

const MODEL: &str = "face-forensics-sbi";

/// An env with `MODEL` registered for every modality, its developer, and the developer's `deactivate_model`.
fn setup() -> (Env, Keypair, Instruction) {
    let mut env = Env::new();
    let (developer, _) = env.register_model(MODEL, modality::ALL);
    let ix = env.ix_deactivate_model(&developer.pubkey(), &model_address(MODEL));
    (env, developer, ix)
}

#[test]
fn developer_deactivates_the_model() {
    // Given an active model
    let (mut env, developer, ix) = setup();
    let model = env.model_pda(&model_id(MODEL));
    let before = env.decode("Model", &model).unwrap();
    assert_eq!(before["active"], 1);
    let lamports = env.lamports(&model);

    // When its developer deactivates it
    let meta = env.send(&[ix], &[&developer]).expect("deactivate_model");

    // Then only the active flag changes
    let mut expected = before;
    expected["active"] = json!(0);
    assert_eq!(env.decode("Model", &model).unwrap(), expected);
    assert_eq!(env.lamports(&model), lamports);
    // And the event names the model
    assert_eq!(events(&env, &meta), vec![("ModelDeactivated".to_string(), json!({"model": model.as_ref()}))]);
}

#[test]
fn deactivating_stops_new_commits_but_not_the_reveals_of_seats_that_committed() {
    // Given three workers committed to answers made with the model, and a fourth seat not yet committed
    let (mut env, developer, ix) = setup();
    let workers: Vec<Keypair> =
        (0..4).map(|_| env.register_worker(env.params.min_stake, modality::ALL, &[MODEL])).collect();
    let client = env.keypair(10 * LAMPORTS_PER_SOL);
    let request = env.submit(&client, &RequestSpec { max_workers: 4, ..Default::default() });
    let answer = Answer::new(MANIPULATED, 90, MODEL);
    for worker in &workers {
        env.join(worker, &request).expect("join");
    }
    for worker in &workers[..3] {
        env.commit(worker, &request, &answer).expect("commit");
    }
    // When the developer deactivates the model before the reveal phase
    env.send(&[ix], &[&developer]).expect("deactivate_model");

    // Then the seat that had not committed can no longer commit with it
    let c = commitment(
        &request,
        &workers[3].pubkey(),
        answer.verdict,
        answer.confidence,
        &answer.model,
        &answer.report_hash,
        &answer.salt,
    );
    let commit = env.ix_commit_result(&workers[3].pubkey(), &request, &c, &answer.model);
    assert_rejected(&mut env, commit, &[&workers[3]], "ModelInactive");
    // But the committed seats reveal as they promised (their model was fixed at commit)
    let commit_deadline = env.decode("Request", &request).unwrap()["commit_deadline"].as_i64().unwrap();
    env.set_time(commit_deadline);
    for worker in &workers[..3] {
        env.reveal(worker, &request, &answer).expect("reveal after deactivation");
    }
}

#[test]
fn rejects_deactivating_twice() {
    // Given a deactivated model
    let (mut env, developer, ix) = setup();
    env.send(&[ix], &[&developer]).expect("deactivate_model");

    // When the developer deactivates it again
    let ix = env.ix_deactivate_model(&developer.pubkey(), &model_address(MODEL));

    // Then
    assert_rejected(&mut env, ix, &[&developer], "ModelInactive");
}

#[test]
fn rejects_too_few_accounts() {
    // Given the instruction without the model
    let (mut env, developer, mut ix) = setup();
    ix.accounts.pop();

    // When it is sent / Then it fails, changing nothing
    assert_rejected(&mut env, ix, &[&developer], "NotEnoughAccounts");
}

#[test]
fn rejects_a_developer_that_does_not_sign() {
    // Given the developer's meta is not a signer (another keypair pays the fee)
    let (mut env, _, mut ix) = setup();
    ix.accounts[0].is_signer = false;

    // When it is sent / Then it fails, changing nothing
    assert_rejected(&mut env, ix, &[], "MissingSignature");
}

#[test]
fn rejects_a_read_only_model() {
    // Given the model's meta is read-only
    let (mut env, developer, mut ix) = setup();
    ix.accounts[1].is_writable = false;

    // When it is sent / Then it fails, changing nothing
    assert_rejected(&mut env, ix, &[&developer], "AccountNotWritable");
}

#[test]
fn rejects_a_model_owned_by_another_program() {
    // Given the model's exact bytes under another owner
    let (mut env, developer, ix) = setup();
    let model = env.model_pda(&model_id(MODEL));
    env.edit_account(&model, |a| a.owner = Keypair::new().pubkey());

    // When it is sent / Then it fails, changing nothing
    assert_rejected(&mut env, ix, &[&developer], "InvalidAccountOwner");
}

#[test]
fn rejects_an_unregistered_model() {
    // Given the PDA of an id nobody registered (a system account)
    let (mut env, developer, _) = setup();
    let ix = env.ix_deactivate_model(&developer.pubkey(), &model_address("unregistered"));

    // When it is sent / Then it fails, changing nothing
    assert_rejected(&mut env, ix, &[&developer], "InvalidAccountOwner");
}

#[test]
fn rejects_a_model_with_a_wrong_discriminator() {
    // Given the model's first byte flipped
    let (mut env, developer, ix) = setup();
    let model = env.model_pda(&model_id(MODEL));
    env.edit_account(&model, |a| a.data[0] ^= 0xff);

    // When it is sent / Then it fails, changing nothing
    assert_rejected(&mut env, ix, &[&developer], "InvalidAccountData");
}

#[test]
fn rejects_a_model_with_a_wrong_length() {
    // Given the model one byte short
    let (mut env, developer, ix) = setup();
    let model = env.model_pda(&model_id(MODEL));
    env.edit_account(&model, |a| {
        a.data.pop();
    });

    // When it is sent / Then it fails, changing nothing
    assert_rejected(&mut env, ix, &[&developer], "InvalidAccountData");
}

#[test]
fn rejects_another_program_account_as_model() {
    // Given the config (program-owned, another type) in the model's place
    let (mut env, developer, mut ix) = setup();
    ix.accounts[1].pubkey = env.config();

    // When it is sent / Then it fails, changing nothing
    assert_rejected(&mut env, ix, &[&developer], "InvalidAccountData");
}

#[test]
fn rejects_a_signer_that_is_not_the_developer() {
    // Given an outsider who signs
    let (mut env, _, _) = setup();
    let outsider = env.keypair(LAMPORTS_PER_SOL);
    let ix = env.ix_deactivate_model(&outsider.pubkey(), &model_address(MODEL));

    // When it is sent / Then it fails, changing nothing
    assert_rejected(&mut env, ix, &[&outsider], "Unauthorized");
}

#[test]
fn rejects_trailing_bytes() {
    // Given one byte of data after the discriminator (the instruction takes no arguments)
    let (mut env, developer, mut ix) = setup();
    ix.data.push(0);

    // When it is sent / Then it fails, changing nothing
    assert_rejected(&mut env, ix, &[&developer], "InvalidInstructionData");
}

#[test]
fn rejects_an_unknown_discriminator() {
    // Given the instruction with one discriminator byte changed
    let (mut env, developer, mut ix) = setup();
    ix.data[0] ^= 0xff;

    // When it is sent / Then it fails, changing nothing
    assert_rejected(&mut env, ix, &[&developer], "InvalidInstructionData");
}
