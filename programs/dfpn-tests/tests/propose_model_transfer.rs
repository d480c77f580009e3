//! `propose_model_transfer`: a model's developer names its successor; nothing changes until the successor
//! accepts (`accept_model_transfer`), and nobody else can propose.
use dfpn_tests::*;
use serde_json::json;
use solana_address::Address;
use solana_keypair::Keypair;
use solana_signer::Signer;

const MODEL: &str = "face-forensics-sbi";

fn model_field(env: &Env, field: &str) -> serde_json::Value {
    env.decode("Model", &model_address(MODEL)).unwrap()[field].clone()
}

#[test]
fn a_proposal_records_the_successor_and_changes_nothing_else() {
    // Given a registered model and a successor
    let mut env = Env::new();
    let (developer, _) = env.register_model(MODEL, modality::ALL);
    let model = model_address(MODEL);
    let successor = Keypair::new().pubkey();
    let before = env.decode("Model", &model).unwrap();

    // When the developer proposes the successor
    let ix = env.ix_propose_model_transfer(&developer.pubkey(), &model, &successor);
    let meta = env.send(&[ix], &[&developer]).expect("propose_model_transfer");

    // Then only `pending_developer` changed, and an event names model and successor
    let mut expected = before;
    expected["pending_developer"] = json!(successor.as_ref());
    assert_eq!(env.decode("Model", &model).unwrap(), expected);
    assert_eq!(
        events(&env, &meta),
        vec![("ModelTransferProposed".to_string(), json!({"model": model.as_ref(), "proposed": successor.as_ref()}))]
    );
    // And the developer still controls the model
    let ix = env.ix_update_model(&developer.pubkey(), &model, &developer.pubkey(), modality::ALL);
    env.send(&[ix], &[&developer]).expect("the developer still governs");
}

#[test]
fn proposing_the_zero_address_withdraws_a_proposal() {
    // Given a pending proposal
    let mut env = Env::new();
    let (developer, _) = env.register_model(MODEL, modality::ALL);
    let model = model_address(MODEL);
    let ix = env.ix_propose_model_transfer(&developer.pubkey(), &model, &Keypair::new().pubkey());
    env.send(&[ix], &[&developer]).expect("propose");

    // When the developer proposes the zero address
    let ix = env.ix_propose_model_transfer(&developer.pubkey(), &model, &Address::new_from_array([0; 32]));
    env.send(&[ix], &[&developer]).expect("withdraw");

    // Then nothing is pending
    assert_eq!(model_field(&env, "pending_developer"), json!(vec![0u8; 32]));
}

#[test]
fn only_the_developer_may_propose_and_must_sign() {
    // Given a registered model and an outsider
    let mut env = Env::new();
    let (developer, _) = env.register_model(MODEL, modality::ALL);
    let model = model_address(MODEL);
    let outsider = env.keypair(LAMPORTS_PER_SOL);

    // When the outsider proposes itself / Then it is refused, changing nothing
    let ix = env.ix_propose_model_transfer(&outsider.pubkey(), &model, &outsider.pubkey());
    env.assert_ix_rejected(&ix, &[&outsider], &[model], "Unauthorized");
    // When the developer's key is named but does not sign / Then it is refused
    let mut ix = env.ix_propose_model_transfer(&developer.pubkey(), &model, &outsider.pubkey());
    ix.accounts[0].is_signer = false;
    env.assert_ix_rejected(&ix, &[], &[model], "MissingSignature");
    // When the model is read-only / Then it is refused
    let mut ix = env.ix_propose_model_transfer(&developer.pubkey(), &model, &outsider.pubkey());
    ix.accounts[1].is_writable = false;
    env.assert_ix_rejected(&ix, &[&developer], &[model], "AccountNotWritable");
    // When the data is truncated / Then it is refused
    let mut ix = env.ix_propose_model_transfer(&developer.pubkey(), &model, &outsider.pubkey());
    ix.data.pop();
    env.assert_ix_rejected(&ix, &[&developer], &[model], "InvalidInstructionData");
    // And the developer's own, well-formed proposal (positive control) goes through
    let ix = env.ix_propose_model_transfer(&developer.pubkey(), &model, &outsider.pubkey());
    env.send(&[ix], &[&developer]).expect("propose_model_transfer");
}

#[test]
fn a_model_of_another_program_or_type_is_refused() {
    // Given a worker account in place of the model
    let mut env = Env::new();
    let (developer, _) = env.register_model(MODEL, modality::ALL);
    let operator = env.register_worker(env.params.min_stake, modality::ALL, &[MODEL]);
    let not_a_model = env.worker_pda(&operator.pubkey());

    // When the developer proposes on it / Then it is refused
    let ix = env.ix_propose_model_transfer(&developer.pubkey(), &not_a_model, &developer.pubkey());
    env.assert_ix_rejected(&ix, &[&developer], &[not_a_model], "InvalidAccountData");
}
