//! `deactivate_model`: the developer retires a model so workers can no longer reveal with it.
use dfpn_tests::*;
use serde_json::json;
use solana_account::Account;
use solana_address::Address;
use solana_instruction::Instruction;
use solana_keypair::Keypair;
use solana_signer::Signer;

/// A transaction expected to fail: a fresh keypair pays the fee so that the instruction's own accounts
/// (and the model PDA of `MODEL`) can be compared before and after.
struct Attempt {
    result: TxResult,
    watched: Vec<Address>,
    before: Vec<Option<Account>>,
}

impl Attempt {
    fn send(env: &mut Env, ix: Instruction, signers: &[&Keypair]) -> Self {
        let mut watched: Vec<Address> = ix.accounts.iter().map(|m| m.pubkey).collect();
        watched.push(env.model_pda(&model_id(MODEL)));
        let before = env.snapshot(&watched);
        let payer = env.keypair(LAMPORTS_PER_SOL);
        let result = env.send(&[ix], &[&[&payer][..], signers].concat());
        Self { result, watched, before }
    }

    #[track_caller]
    fn assert_rejected(&self, env: &Env, error: &str) {
        assert_error(env, &self.result, error);
        assert_eq!(env.snapshot(&self.watched), self.before, "a rejected instruction changes no account");
    }
}

const MODEL: &str = "face-forensics-sbi";

/// An env with `MODEL` registered for every modality, its developer, and the developer's `deactivate_model`.
fn setup() -> (Env, Keypair, Instruction) {
    let mut env = Env::new();
    let (developer, _) = env.register_model(MODEL, modality::ALL);
    let ix = env.ix_deactivate_model(&developer.pubkey(), &model_id(MODEL));
    (env, developer, ix)
}

/// Overwrite an existing account with `edit` applied.
fn tamper(env: &mut Env, address: Address, edit: impl FnOnce(&mut Account)) {
    let mut account = env.account(&address).expect("account exists");
    edit(&mut account);
    env.svm.set_account(address, account).unwrap();
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
fn a_deactivated_model_can_no_longer_back_a_reveal() {
    // Given three workers committed to answers made with the model
    let (mut env, developer, ix) = setup();
    let workers: Vec<Keypair> =
        (0..3).map(|_| env.register_worker(env.params.min_stake, modality::ALL, &[MODEL])).collect();
    let client = env.keypair(10 * LAMPORTS_PER_SOL);
    let request = env.submit(&client, &RequestSpec::default());
    let answer = Answer::new(MANIPULATED, 90, MODEL);
    for worker in &workers {
        env.join(worker, &request).expect("join");
        env.commit(worker, &request, &answer).expect("commit");
    }
    // And the developer deactivated the model before the reveal phase
    env.send(&[ix], &[&developer]).expect("deactivate_model");
    let commit_deadline = env.decode("Request", &request).unwrap()["commit_deadline"].as_i64().unwrap();
    env.set_time(commit_deadline);

    // When a worker reveals
    let reveal = env.ix_reveal_result(&workers[0].pubkey(), &request, &answer);
    let attempt = Attempt::send(&mut env, reveal, &[&workers[0]]);

    // Then
    attempt.assert_rejected(&env, "ModelInactive");
}

#[test]
fn rejects_deactivating_twice() {
    // Given a deactivated model
    let (mut env, developer, ix) = setup();
    env.send(&[ix], &[&developer]).expect("deactivate_model");

    // When the developer deactivates it again
    let ix = env.ix_deactivate_model(&developer.pubkey(), &model_id(MODEL));
    let attempt = Attempt::send(&mut env, ix, &[&developer]);

    // Then
    attempt.assert_rejected(&env, "ModelInactive");
}

#[test]
fn rejects_too_few_accounts() {
    // Given the instruction without the model
    let (mut env, developer, mut ix) = setup();
    ix.accounts.pop();

    // When it is sent
    let attempt = Attempt::send(&mut env, ix, &[&developer]);

    // Then
    attempt.assert_rejected(&env, "NotEnoughAccounts");
}

#[test]
fn rejects_a_developer_that_does_not_sign() {
    // Given the developer's meta is not a signer (another keypair pays the fee)
    let (mut env, _, mut ix) = setup();
    ix.accounts[0].is_signer = false;

    // When it is sent
    let attempt = Attempt::send(&mut env, ix, &[]);

    // Then
    attempt.assert_rejected(&env, "MissingSignature");
}

#[test]
fn rejects_a_read_only_model() {
    // Given the model's meta is read-only
    let (mut env, developer, mut ix) = setup();
    ix.accounts[1].is_writable = false;

    // When it is sent
    let attempt = Attempt::send(&mut env, ix, &[&developer]);

    // Then
    attempt.assert_rejected(&env, "AccountNotWritable");
}

#[test]
fn rejects_a_model_owned_by_another_program() {
    // Given the model's exact bytes under another owner
    let (mut env, developer, ix) = setup();
    let model = env.model_pda(&model_id(MODEL));
    tamper(&mut env, model, |a| a.owner = Keypair::new().pubkey());

    // When it is sent
    let attempt = Attempt::send(&mut env, ix, &[&developer]);

    // Then
    attempt.assert_rejected(&env, "InvalidAccountOwner");
}

#[test]
fn rejects_an_unregistered_model() {
    // Given the PDA of an id nobody registered (a system account)
    let (mut env, developer, _) = setup();
    let ix = env.ix_deactivate_model(&developer.pubkey(), &model_id("unregistered"));

    // When it is sent
    let attempt = Attempt::send(&mut env, ix, &[&developer]);

    // Then
    attempt.assert_rejected(&env, "InvalidAccountOwner");
}

#[test]
fn rejects_a_model_with_a_wrong_discriminator() {
    // Given the model's first byte flipped
    let (mut env, developer, ix) = setup();
    let model = env.model_pda(&model_id(MODEL));
    tamper(&mut env, model, |a| a.data[0] ^= 0xff);

    // When it is sent
    let attempt = Attempt::send(&mut env, ix, &[&developer]);

    // Then
    attempt.assert_rejected(&env, "InvalidAccountData");
}

#[test]
fn rejects_a_model_with_a_wrong_length() {
    // Given the model one byte short
    let (mut env, developer, ix) = setup();
    let model = env.model_pda(&model_id(MODEL));
    tamper(&mut env, model, |a| {
        a.data.pop();
    });

    // When it is sent
    let attempt = Attempt::send(&mut env, ix, &[&developer]);

    // Then
    attempt.assert_rejected(&env, "InvalidAccountData");
}

#[test]
fn rejects_another_program_account_as_model() {
    // Given the config (program-owned, another type) in the model's place
    let (mut env, developer, mut ix) = setup();
    ix.accounts[1].pubkey = env.config();

    // When it is sent
    let attempt = Attempt::send(&mut env, ix, &[&developer]);

    // Then
    attempt.assert_rejected(&env, "InvalidAccountData");
}

#[test]
fn rejects_a_signer_that_is_not_the_developer() {
    // Given an outsider who signs
    let (mut env, _, _) = setup();
    let outsider = env.keypair(LAMPORTS_PER_SOL);
    let ix = env.ix_deactivate_model(&outsider.pubkey(), &model_id(MODEL));

    // When it is sent
    let attempt = Attempt::send(&mut env, ix, &[&outsider]);

    // Then
    attempt.assert_rejected(&env, "Unauthorized");
}

#[test]
fn rejects_trailing_bytes() {
    // Given one byte of data after the discriminator (the instruction takes no arguments)
    let (mut env, developer, mut ix) = setup();
    ix.data.push(0);

    // When it is sent
    let attempt = Attempt::send(&mut env, ix, &[&developer]);

    // Then
    attempt.assert_rejected(&env, "InvalidInstructionData");
}

#[test]
fn rejects_an_unknown_discriminator() {
    // Given the instruction with one discriminator byte changed
    let (mut env, developer, mut ix) = setup();
    ix.data[0] ^= 0xff;

    // When it is sent
    let attempt = Attempt::send(&mut env, ix, &[&developer]);

    // Then
    attempt.assert_rejected(&env, "InvalidInstructionData");
}
