//! `accept_model_transfer`: the proposed developer takes over a model: its updates, deactivation and payout
//! wallet. The model keeps its address and its earnings.
use dfpn_tests::*;
use serde_json::json;
use solana_signer::Signer;

const MODEL: &str = "face-forensics-sbi";

#[test]
fn the_successor_takes_over_and_the_old_developer_loses_control() {
    // Given a model with a proposed successor
    let mut env = Env::new();
    let (developer, _) = env.register_model(MODEL, modality::ALL);
    let model = model_address(MODEL);
    let successor = env.keypair(LAMPORTS_PER_SOL);
    let ix = env.ix_propose_model_transfer(&developer.pubkey(), &model, &successor.pubkey());
    env.send(&[ix], &[&developer]).expect("propose");
    let before = env.decode("Model", &model).unwrap();
    let lamports = env.lamports(&model);

    // When the successor accepts
    let ix = env.ix_accept_model_transfer(&successor.pubkey(), &model);
    let meta = env.send(&[ix], &[&successor]).expect("accept_model_transfer");

    // Then it is the developer, nothing is pending, the registrant (the address's seed) and lamports are unchanged
    let mut expected = before;
    expected["developer"] = json!(successor.pubkey().as_ref());
    expected["pending_developer"] = json!(vec![0u8; 32]);
    assert_eq!(env.decode("Model", &model).unwrap(), expected);
    assert_eq!(expected["registrant"], json!(developer.pubkey().as_ref()));
    assert_eq!(env.lamports(&model), lamports);
    assert_eq!(
        events(&env, &meta),
        vec![(
            "ModelTransferred".to_string(),
            json!({"model": model.as_ref(), "developer": successor.pubkey().as_ref()})
        )]
    );
    // And the old developer is refused, the successor governs
    let ix = env.ix_deactivate_model(&developer.pubkey(), &model);
    env.assert_ix_rejected(&ix, &[&developer], &[model], "Unauthorized");
    let ix = env.ix_deactivate_model(&successor.pubkey(), &model);
    env.send(&[ix], &[&successor]).expect("the successor governs");
}

#[test]
fn nobody_can_accept_without_a_proposal_naming_them() {
    // Given a model without a proposal, and an outsider
    let mut env = Env::new();
    let (developer, _) = env.register_model(MODEL, modality::ALL);
    let model = model_address(MODEL);
    let outsider = env.keypair(LAMPORTS_PER_SOL);

    // When the outsider (or the developer itself) accepts / Then it is refused, changing nothing
    for signer in [&outsider, &developer] {
        let ix = env.ix_accept_model_transfer(&signer.pubkey(), &model);
        env.assert_ix_rejected(&ix, &[signer], &[model], "NotPendingDeveloper");
    }
    // When a successor is proposed, the outsider still cannot accept, and an unsigned accept is refused
    let successor = env.keypair(LAMPORTS_PER_SOL);
    let ix = env.ix_propose_model_transfer(&developer.pubkey(), &model, &successor.pubkey());
    env.send(&[ix], &[&developer]).expect("propose");
    let ix = env.ix_accept_model_transfer(&outsider.pubkey(), &model);
    env.assert_ix_rejected(&ix, &[&outsider], &[model], "NotPendingDeveloper");
    let mut ix = env.ix_accept_model_transfer(&successor.pubkey(), &model);
    ix.accounts[0].is_signer = false;
    env.assert_ix_rejected(&ix, &[], &[model], "MissingSignature");
    let mut ix = env.ix_accept_model_transfer(&successor.pubkey(), &model);
    ix.data.push(0);
    env.assert_ix_rejected(&ix, &[&successor], &[model], "InvalidInstructionData");
    // And the named successor (positive control) accepts
    let ix = env.ix_accept_model_transfer(&successor.pubkey(), &model);
    env.send(&[ix], &[&successor]).expect("accept");
}

#[test]
fn a_transferred_model_keeps_serving_the_workers_that_declared_it() {
    // Given a network whose model changes developer
    let mut net = Network::new(1);
    let model = model_address(Network::MODEL);
    let successor = net.env.keypair(LAMPORTS_PER_SOL);
    let developer = net.model_developer.insecure_clone();
    let ix = net.env.ix_propose_model_transfer(&developer.pubkey(), &model, &successor.pubkey());
    net.env.send(&[ix], &[&developer]).expect("propose");
    let ix = net.env.ix_accept_model_transfer(&successor.pubkey(), &model);
    net.env.send(&[ix], &[&successor]).expect("accept");

    // When a worker answers with it
    let answer = Answer::new(MANIPULATED, 90, Network::MODEL);
    let spec = RequestSpec { min_workers: 1, max_workers: 1, ..Default::default() };
    let request = net.submit_join_commit(&spec, &[Some(answer.clone())]);
    let w = net.workers[0].insecure_clone();
    net.env.reveal(&w, &request, &answer).expect("reveal");
    net.env.finalize(&request).expect("finalize");

    // Then the model (same address) earned its share
    assert!(net.env.decode("Model", &model).unwrap()["earned_total"].as_u64().unwrap() > 0);
}
