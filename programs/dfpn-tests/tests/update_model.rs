//! `update_model`: the developer changes a model's payout wallet and modalities.
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
const NEW_MODALITIES: u8 = modality::VIDEO_AUTHENTICITY | modality::VOICE_CLONING;

/// An env with `MODEL` registered for face manipulation, its developer, a new payout wallet, and the
/// developer's `update_model` to that wallet and `NEW_MODALITIES`.
fn setup() -> (Env, Keypair, Address, Instruction) {
    let mut env = Env::new();
    let (developer, _) = env.register_model(MODEL, modality::FACE_MANIPULATION);
    let new_payout = Keypair::new().pubkey();
    let ix = env.ix_update_model(&developer.pubkey(), &model_address(MODEL), &new_payout, NEW_MODALITIES);
    (env, developer, new_payout, ix)
}

#[test]
fn developer_changes_the_payout_wallet_and_modalities() {
    // Given a registered model
    let (mut env, developer, new_payout, ix) = setup();
    let model = env.model_pda(&model_id(MODEL));
    let before = env.decode("Model", &model).unwrap();
    let lamports = env.lamports(&model);

    // When its developer updates it
    let meta = env.send(&[ix], &[&developer]).expect("update_model");

    // Then only the payout wallet and the modalities change
    let mut expected = before;
    expected["payout_wallet"] = json!(new_payout.as_ref());
    expected["modalities"] = json!(NEW_MODALITIES);
    assert_eq!(env.decode("Model", &model).unwrap(), expected);
    assert_eq!(env.lamports(&model), lamports);
    // And the event carries the new values
    assert_eq!(
        events(&env, &meta),
        vec![(
            "ModelUpdated".to_string(),
            json!({"model": model.as_ref(), "payout_wallet": new_payout.as_ref(), "modalities": NEW_MODALITIES})
        )]
    );
}

#[test]
fn rejects_too_few_accounts() {
    // Given the instruction without the payout wallet
    let (mut env, developer, _, mut ix) = setup();
    ix.accounts.pop();

    // When it is sent / Then it fails, changing nothing
    assert_rejected(&mut env, ix, &[&developer], "NotEnoughAccounts");
}

#[test]
fn rejects_a_developer_that_does_not_sign() {
    // Given the developer's meta is not a signer (another keypair pays the fee)
    let (mut env, _, _, mut ix) = setup();
    ix.accounts[0].is_signer = false;

    // When it is sent / Then it fails, changing nothing
    assert_rejected(&mut env, ix, &[], "MissingSignature");
}

#[test]
fn rejects_a_read_only_model() {
    // Given the model's meta is read-only
    let (mut env, developer, _, mut ix) = setup();
    ix.accounts[1].is_writable = false;

    // When it is sent / Then it fails, changing nothing
    assert_rejected(&mut env, ix, &[&developer], "AccountNotWritable");
}

#[test]
fn rejects_a_model_owned_by_another_program() {
    // Given the model's exact bytes under another owner
    let (mut env, developer, _, ix) = setup();
    let model = env.model_pda(&model_id(MODEL));
    env.edit_account(&model, |a| a.owner = Keypair::new().pubkey());

    // When it is sent / Then it fails, changing nothing
    assert_rejected(&mut env, ix, &[&developer], "InvalidAccountOwner");
}

#[test]
fn rejects_an_unregistered_model() {
    // Given the PDA of an id nobody registered (a system account)
    let (mut env, developer, new_payout, _) = setup();
    let ix = env.ix_update_model(&developer.pubkey(), &model_address("unregistered"), &new_payout, NEW_MODALITIES);

    // When it is sent / Then it fails, changing nothing
    assert_rejected(&mut env, ix, &[&developer], "InvalidAccountOwner");
}

#[test]
fn rejects_a_model_with_a_wrong_discriminator() {
    // Given the model's first byte flipped
    let (mut env, developer, _, ix) = setup();
    let model = env.model_pda(&model_id(MODEL));
    env.edit_account(&model, |a| a.data[0] ^= 0xff);

    // When it is sent / Then it fails, changing nothing
    assert_rejected(&mut env, ix, &[&developer], "InvalidAccountData");
}

#[test]
fn rejects_a_model_with_a_wrong_length() {
    // Given the model with one extra byte
    let (mut env, developer, _, ix) = setup();
    let model = env.model_pda(&model_id(MODEL));
    env.edit_account(&model, |a| a.data.push(0));

    // When it is sent / Then it fails, changing nothing
    assert_rejected(&mut env, ix, &[&developer], "InvalidAccountData");
}

#[test]
fn rejects_another_program_account_as_model() {
    // Given the config (program-owned, another type) in the model's place
    let (mut env, developer, _, mut ix) = setup();
    ix.accounts[1].pubkey = env.config();

    // When it is sent / Then it fails, changing nothing
    assert_rejected(&mut env, ix, &[&developer], "InvalidAccountData");
}

#[test]
fn rejects_a_signer_that_is_not_the_developer() {
    // Given an outsider who signs and redirects the payout to itself
    let (mut env, _, _, _) = setup();
    let outsider = env.keypair(LAMPORTS_PER_SOL);
    let ix = env.ix_update_model(&outsider.pubkey(), &model_address(MODEL), &outsider.pubkey(), NEW_MODALITIES);

    // When it is sent / Then it fails, changing nothing
    assert_rejected(&mut env, ix, &[&outsider], "Unauthorized");
}

#[test]
fn rejects_empty_or_unknown_modalities() {
    for modalities in [0, 1 << 5, 0xff] {
        // Given a mask with no modality or an unknown bit
        println!("case: {modalities:#04x}");
        let (mut env, developer, new_payout, _) = setup();
        let ix = env.ix_update_model(&developer.pubkey(), &model_address(MODEL), &new_payout, modalities);

        // When it is sent / Then it fails, changing nothing
        assert_rejected(&mut env, ix, &[&developer], "InvalidModalities");
    }
}

#[test]
fn rejects_missing_modalities() {
    // Given the discriminator alone
    let (mut env, developer, _, mut ix) = setup();
    ix.data.truncate(8);

    // When it is sent / Then it fails, changing nothing
    assert_rejected(&mut env, ix, &[&developer], "InvalidInstructionData");
}

#[test]
fn rejects_trailing_bytes() {
    // Given one byte after the modalities
    let (mut env, developer, _, mut ix) = setup();
    ix.data.push(0);

    // When it is sent / Then it fails, changing nothing
    assert_rejected(&mut env, ix, &[&developer], "InvalidInstructionData");
}

#[test]
fn rejects_an_unknown_discriminator() {
    // Given the instruction with one discriminator byte changed
    let (mut env, developer, _, mut ix) = setup();
    ix.data[0] ^= 0xff;

    // When it is sent / Then it fails, changing nothing
    assert_rejected(&mut env, ix, &[&developer], "InvalidInstructionData");
}
