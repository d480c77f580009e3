//! `claim_model_fees`: anyone moves a model's accrued fee shares to its registered payout wallet.
use dfpn_tests::*;
use serde_json::json;
use solana_address::Address;
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

/// An env where `MODEL` earned its share of one finalized three-worker request; returns the env, the
/// model's developer and its payout wallet (which holds nothing yet).
fn earned() -> (Env, Keypair, Address) {
    let mut env = Env::new();
    let (developer, payout) = env.register_model(MODEL, modality::ALL);
    let workers: Vec<Keypair> =
        (0..3).map(|_| env.register_worker(env.params.min_stake, modality::ALL, &[MODEL])).collect();
    let client = env.keypair(10 * LAMPORTS_PER_SOL);
    let request = env.submit(&client, &RequestSpec::default());
    let answer = Answer::new(MANIPULATED, 90, MODEL);
    for worker in &workers {
        env.join(worker, &request).expect("join");
        env.commit(worker, &request, &answer).expect("commit");
    }
    let commit_deadline = env.decode("Request", &request).unwrap()["commit_deadline"].as_i64().unwrap();
    env.set_time(commit_deadline);
    for worker in &workers {
        env.reveal(worker, &request, &answer).expect("reveal");
    }
    env.finalize(&request).expect("finalize");
    (env, developer, payout)
}

/// The model's 20% of the fee of a default request, split over its three paying seats.
fn share(env: &Env) -> u64 {
    let spec = RequestSpec::default();
    env.params.fee(spec.modalities, spec.min_workers) * 20 / 100 / 3 * 3
}

#[test]
fn anyone_claims_the_accrued_fees_to_the_payout_wallet() {
    // Given a model that earned its share of a finalized request
    let (mut env, _, payout) = earned();
    let model = env.model_pda(&model_id(MODEL));
    let before = env.decode("Model", &model).unwrap();
    let amount = share(&env);
    assert_eq!(before["unclaimed"], amount);
    let rent = env.rent(env.idl.account_len("Model"));
    assert_eq!(env.lamports(&model), rent + amount);
    assert_eq!(env.lamports(&payout), 0);

    // When a stranger cranks the claim
    let stranger = env.keypair(LAMPORTS_PER_SOL);
    let ix = env.ix_claim_model_fees(&model_address(MODEL), &payout);
    let meta = env.send(&[ix], &[&stranger]).expect("claim_model_fees");

    // Then exactly the share moves to the payout wallet and the model keeps its rent
    assert_eq!(env.lamports(&payout), amount);
    assert_eq!(env.lamports(&model), rent);
    // And only the unclaimed balance resets; lifetime earnings stay
    let mut expected = before;
    expected["unclaimed"] = json!(0);
    assert_eq!(env.decode("Model", &model).unwrap(), expected);
    // And the event names the model, the wallet and the amount
    assert_eq!(
        events(&env, &meta),
        vec![(
            "ModelFeesClaimed".to_string(),
            json!({"model": model.as_ref(), "payout_wallet": payout.as_ref(), "amount": amount})
        )]
    );
}

#[test]
fn fees_earned_before_deactivation_remain_claimable() {
    // Given a model with accrued fees that its developer then deactivated
    let (mut env, developer, payout) = earned();
    let ix = env.ix_deactivate_model(&developer.pubkey(), &model_address(MODEL));
    env.send(&[ix], &[&developer]).expect("deactivate_model");

    // When the fees are claimed
    let ix = env.ix_claim_model_fees(&model_address(MODEL), &payout);
    env.send(&[ix], &[&developer]).expect("claim_model_fees");

    // Then the payout wallet has them
    assert_eq!(env.lamports(&payout), share(&env));
}

#[test]
fn claims_follow_the_payout_wallet_set_by_update_model() {
    // Given a model with accrued fees whose developer moved the payout to a new wallet
    let (mut env, developer, old_payout) = earned();
    let new_payout = Keypair::new().pubkey();
    let ix = env.ix_update_model(&developer.pubkey(), &model_address(MODEL), &new_payout, modality::ALL);
    env.send(&[ix], &[&developer]).expect("update_model");

    // When the fees are claimed to the old wallet
    let ix = env.ix_claim_model_fees(&model_address(MODEL), &old_payout);

    // Then it is refused
    assert_rejected(&mut env, ix, &[], "PayoutWalletMismatch");

    // When they are claimed to the new wallet
    let ix = env.ix_claim_model_fees(&model_address(MODEL), &new_payout);
    env.send(&[ix], &[&developer]).expect("claim to the new wallet");

    // Then the new wallet has them and the old one nothing
    assert_eq!(env.lamports(&new_payout), share(&env));
    assert_eq!(env.lamports(&old_payout), 0);
}

#[test]
fn a_model_paying_out_to_itself_cannot_mint_lamports() {
    // Given a model with accrued fees whose payout wallet was set to the model account itself
    let (mut env, developer, _) = earned();
    let model = env.model_pda(&model_id(MODEL));
    let ix = env.ix_update_model(&developer.pubkey(), &model_address(MODEL), &model, modality::ALL);
    env.send(&[ix], &[&developer]).expect("update_model");

    // When the fees are claimed to it
    let ix = env.ix_claim_model_fees(&model_address(MODEL), &model);

    // Then the program refuses to pay an account to itself and nothing changes
    assert_rejected(&mut env, ix, &[], "DuplicateAccount");
}

#[test]
fn rejects_a_claim_when_nothing_has_accrued() {
    // Given a freshly registered model
    let mut env = Env::new();
    let (_, payout) = env.register_model(MODEL, modality::ALL);
    let ix = env.ix_claim_model_fees(&model_address(MODEL), &payout);

    // When its fees are claimed / Then it fails, changing nothing
    assert_rejected(&mut env, ix, &[], "NothingToClaim");
}

#[test]
fn rejects_claiming_twice() {
    // Given the accrued fees were already claimed
    let (mut env, _, payout) = earned();
    let ix = env.ix_claim_model_fees(&model_address(MODEL), &payout);
    let cranker = env.keypair(LAMPORTS_PER_SOL);
    env.send(std::slice::from_ref(&ix), &[&cranker]).expect("first claim");

    // When they are claimed again / Then it fails, changing nothing
    assert_rejected(&mut env, ix, &[], "NothingToClaim");
}

#[test]
fn rejects_too_few_accounts() {
    // Given the instruction without the payout wallet
    let (mut env, _, payout) = earned();
    let mut ix = env.ix_claim_model_fees(&model_address(MODEL), &payout);
    ix.accounts.pop();

    // When it is sent / Then it fails, changing nothing
    assert_rejected(&mut env, ix, &[], "NotEnoughAccounts");
}

#[test]
fn rejects_a_read_only_model() {
    // Given the model's meta is read-only
    let (mut env, _, payout) = earned();
    let mut ix = env.ix_claim_model_fees(&model_address(MODEL), &payout);
    ix.accounts[0].is_writable = false;

    // When it is sent / Then it fails, changing nothing
    assert_rejected(&mut env, ix, &[], "AccountNotWritable");
}

#[test]
fn rejects_a_model_owned_by_another_program() {
    // Given the model's exact bytes and lamports under another owner
    let (mut env, _, payout) = earned();
    let model = env.model_pda(&model_id(MODEL));
    env.edit_account(&model, |a| a.owner = Keypair::new().pubkey());
    let ix = env.ix_claim_model_fees(&model_address(MODEL), &payout);

    // When it is sent / Then it fails, changing nothing
    assert_rejected(&mut env, ix, &[], "InvalidAccountOwner");
}

#[test]
fn rejects_an_unregistered_model() {
    // Given the PDA of an id nobody registered (a system account)
    let (mut env, _, payout) = earned();
    let ix = env.ix_claim_model_fees(&model_address("unregistered"), &payout);

    // When it is sent / Then it fails, changing nothing
    assert_rejected(&mut env, ix, &[], "InvalidAccountOwner");
}

#[test]
fn rejects_a_model_with_a_wrong_discriminator() {
    // Given the model's first byte flipped
    let (mut env, _, payout) = earned();
    let model = env.model_pda(&model_id(MODEL));
    env.edit_account(&model, |a| a.data[0] ^= 0xff);
    let ix = env.ix_claim_model_fees(&model_address(MODEL), &payout);

    // When it is sent / Then it fails, changing nothing
    assert_rejected(&mut env, ix, &[], "InvalidAccountData");
}

#[test]
fn rejects_a_model_with_a_wrong_length() {
    // Given the model with one extra byte
    let (mut env, _, payout) = earned();
    let model = env.model_pda(&model_id(MODEL));
    env.edit_account(&model, |a| a.data.push(0));
    let ix = env.ix_claim_model_fees(&model_address(MODEL), &payout);

    // When it is sent / Then it fails, changing nothing
    assert_rejected(&mut env, ix, &[], "InvalidAccountData");
}

#[test]
fn rejects_another_program_account_as_model() {
    // Given the treasury vault (program-owned, another type, holding fees) in the model's place
    let (mut env, _, payout) = earned();
    let mut ix = env.ix_claim_model_fees(&model_address(MODEL), &payout);
    ix.accounts[0].pubkey = env.treasury();

    // When it is sent / Then it fails, changing nothing
    assert_rejected(&mut env, ix, &[], "InvalidAccountData");
}

#[test]
fn rejects_a_read_only_payout_wallet() {
    // Given the payout wallet's meta is read-only
    let (mut env, _, payout) = earned();
    let mut ix = env.ix_claim_model_fees(&model_address(MODEL), &payout);
    ix.accounts[1].is_writable = false;

    // When it is sent / Then it fails, changing nothing
    assert_rejected(&mut env, ix, &[], "AccountNotWritable");
}

#[test]
fn rejects_a_wallet_other_than_the_registered_payout() {
    // Given the developer's own wallet in the payout wallet's place
    let (mut env, developer, _) = earned();
    let ix = env.ix_claim_model_fees(&model_address(MODEL), &developer.pubkey());

    // When it is sent / Then it fails, changing nothing
    assert_rejected(&mut env, ix, &[], "PayoutWalletMismatch");
}

#[test]
fn rejects_trailing_bytes() {
    // Given one byte of data after the discriminator (the instruction takes no arguments)
    let (mut env, _, payout) = earned();
    let mut ix = env.ix_claim_model_fees(&model_address(MODEL), &payout);
    ix.data.push(0);

    // When it is sent / Then it fails, changing nothing
    assert_rejected(&mut env, ix, &[], "InvalidInstructionData");
}

#[test]
fn rejects_an_unknown_discriminator() {
    // Given the instruction with one discriminator byte changed
    let (mut env, _, payout) = earned();
    let mut ix = env.ix_claim_model_fees(&model_address(MODEL), &payout);
    ix.data[0] ^= 0xff;

    // When it is sent / Then it fails, changing nothing
    assert_rejected(&mut env, ix, &[], "InvalidInstructionData");
}
