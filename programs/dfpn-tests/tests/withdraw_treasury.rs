//! `withdraw_treasury`: the authority moves treasury lamports above rent to a recipient.
use dfpn_tests::*;
use serde_json::json;
use solana_address::Address;
use solana_instruction::Instruction;
use solana_keypair::Keypair;
use solana_signer::Signer;

/// Send `ix` with a fresh fee payer and assert it fails with `error`, changing none of its accounts nor
/// the config and both vaults.
#[track_caller]
fn assert_rejected(env: &mut Env, ix: Instruction, signers: &[&Keypair], error: &str) {
    env.assert_ix_rejected(&ix, signers, &[env.config(), env.treasury(), env.insurance()], error);
}

/// Lamports the treasury holds above rent in `setup`.
const POOL: u64 = LAMPORTS_PER_SOL;
/// What `setup`'s instruction withdraws.
const AMOUNT: u64 = 400_000_000;

/// An initialized env whose treasury holds `POOL` above rent, the authority, a funded recipient, and an
/// instruction withdrawing `AMOUNT` to it.
fn setup() -> (Env, Keypair, Address, Instruction) {
    let mut env = Env::new();
    let treasury = env.treasury();
    env.fund(&treasury, POOL);
    let authority = env.authority.insecure_clone();
    let recipient = env.keypair(LAMPORTS_PER_SOL).pubkey();
    let ix = env.ix_withdraw_treasury(&authority.pubkey(), &recipient, AMOUNT);
    (env, authority, recipient, ix)
}

#[test]
fn authority_withdraws_part_of_the_treasury_to_a_recipient() {
    // Given a treasury holding POOL above rent
    let (mut env, authority, recipient, ix) = setup();
    let treasury = env.treasury();
    let (vault_before, treasury_before, recipient_before) =
        (env.decode("Vault", &treasury).unwrap(), env.lamports(&treasury), env.lamports(&recipient));

    // When the authority withdraws AMOUNT
    let meta = env.send(&[ix], &[&authority]).expect("withdraw_treasury");

    // Then exactly AMOUNT moves from the treasury to the recipient and the vault's data is untouched
    assert_eq!(env.lamports(&treasury), treasury_before - AMOUNT);
    assert_eq!(env.lamports(&recipient), recipient_before + AMOUNT);
    assert_eq!(env.decode("Vault", &treasury).unwrap(), vault_before);
    // And the event names the recipient and the amount
    assert_eq!(
        events(&env, &meta),
        vec![("TreasuryWithdrawn".to_string(), json!({"recipient": recipient.as_ref(), "amount": AMOUNT}))]
    );
}

#[test]
fn withdrawing_everything_above_rent_leaves_the_vault_rent_exempt() {
    // Given a treasury holding POOL above rent
    let (mut env, authority, recipient, _) = setup();
    let recipient_before = env.lamports(&recipient);
    let rent = env.rent(env.idl.account_len("Vault"));

    // When the authority withdraws all of POOL
    let ix = env.ix_withdraw_treasury(&authority.pubkey(), &recipient, POOL);
    env.send(&[ix], &[&authority]).expect("withdraw_treasury");

    // Then the treasury keeps exactly its rent and the recipient has POOL
    assert_eq!(env.lamports(&env.treasury()), rent);
    assert_eq!(env.lamports(&recipient), recipient_before + POOL);
    assert_eq!(env.decode("Vault", &env.treasury()).unwrap()["kind"], 0);
}

#[test]
fn rejects_more_than_the_treasury_holds_above_rent() {
    // Given a withdrawal one lamport above the pool (it would dip into rent)
    let (mut env, authority, recipient, _) = setup();
    let ix = env.ix_withdraw_treasury(&authority.pubkey(), &recipient, POOL + 1);

    // When it is sent / Then it fails, changing nothing
    assert_rejected(&mut env, ix, &[&authority], "NothingToClaim");
}

#[test]
fn rejects_a_zero_amount() {
    // Given a withdrawal of nothing
    let (mut env, authority, recipient, _) = setup();
    let ix = env.ix_withdraw_treasury(&authority.pubkey(), &recipient, 0);

    // When it is sent / Then it fails, changing nothing
    assert_rejected(&mut env, ix, &[&authority], "NothingToClaim");
}

#[test]
fn rejects_any_withdrawal_from_an_empty_treasury() {
    // Given a fresh treasury holding only its rent
    let mut env = Env::new();
    let authority = env.authority.insecure_clone();
    let recipient = env.keypair(LAMPORTS_PER_SOL).pubkey();
    let ix = env.ix_withdraw_treasury(&authority.pubkey(), &recipient, 1);

    // When one lamport is withdrawn / Then it fails, changing nothing
    assert_rejected(&mut env, ix, &[&authority], "NothingToClaim");
}

#[test]
fn withdrawing_to_the_treasury_itself_cannot_mint_lamports() {
    // Given the treasury named as its own recipient
    let (mut env, authority, _, _) = setup();
    let treasury = env.treasury();
    let ix = env.ix_withdraw_treasury(&authority.pubkey(), &treasury, AMOUNT);

    // When it is sent / Then the program refuses to pay an account to itself and nothing changes
    assert_rejected(&mut env, ix, &[&authority], "DuplicateAccount");
}

#[test]
fn rejects_too_few_accounts() {
    // Given the instruction without the recipient
    let (mut env, authority, _, mut ix) = setup();
    ix.accounts.pop();

    // When it is sent / Then it fails, changing nothing
    assert_rejected(&mut env, ix, &[&authority], "NotEnoughAccounts");
}

#[test]
fn rejects_an_authority_that_does_not_sign() {
    // Given the authority's meta is not a signer (another keypair pays the fee)
    let (mut env, _, _, mut ix) = setup();
    ix.accounts[0].is_signer = false;

    // When it is sent / Then it fails, changing nothing
    assert_rejected(&mut env, ix, &[], "MissingSignature");
}

#[test]
fn rejects_a_config_owned_by_another_program() {
    // Given the config's exact bytes under another owner
    let (mut env, authority, _, ix) = setup();
    let config = env.config();
    env.edit_account(&config, |a| a.owner = Keypair::new().pubkey());

    // When it is sent / Then it fails, changing nothing
    assert_rejected(&mut env, ix, &[&authority], "InvalidAccountOwner");
}

#[test]
fn rejects_a_system_account_as_config() {
    // Given a funded wallet in the config's place
    let (mut env, authority, _, mut ix) = setup();
    ix.accounts[1].pubkey = env.keypair(LAMPORTS_PER_SOL).pubkey();

    // When it is sent / Then it fails, changing nothing
    assert_rejected(&mut env, ix, &[&authority], "InvalidAccountOwner");
}

#[test]
fn rejects_a_config_with_a_wrong_discriminator() {
    // Given the config's first byte flipped
    let (mut env, authority, _, ix) = setup();
    let config = env.config();
    env.edit_account(&config, |a| a.data[0] ^= 0xff);

    // When it is sent / Then it fails, changing nothing
    assert_rejected(&mut env, ix, &[&authority], "InvalidAccountData");
}

#[test]
fn rejects_a_config_with_a_wrong_length() {
    // Given the insurance vault (program-owned, too short) in the config's place
    let (mut env, authority, _, mut ix) = setup();
    ix.accounts[1].pubkey = env.insurance();

    // When it is sent / Then it fails, changing nothing
    assert_rejected(&mut env, ix, &[&authority], "InvalidAccountData");
}

#[test]
fn rejects_a_signer_that_is_not_the_authority() {
    // Given an outsider who signs
    let (mut env, _, recipient, _) = setup();
    let outsider = env.keypair(LAMPORTS_PER_SOL);
    let ix = env.ix_withdraw_treasury(&outsider.pubkey(), &recipient, AMOUNT);

    // When it is sent / Then it fails, changing nothing
    assert_rejected(&mut env, ix, &[&outsider], "NotConfigAuthority");
}

#[test]
fn rejects_a_read_only_treasury() {
    // Given the treasury's meta is read-only
    let (mut env, authority, _, mut ix) = setup();
    ix.accounts[2].is_writable = false;

    // When it is sent / Then it fails, changing nothing
    assert_rejected(&mut env, ix, &[&authority], "AccountNotWritable");
}

#[test]
fn rejects_a_treasury_owned_by_another_program() {
    // Given the treasury's exact bytes and lamports under another owner
    let (mut env, authority, _, ix) = setup();
    let treasury = env.treasury();
    env.edit_account(&treasury, |a| a.owner = Keypair::new().pubkey());

    // When it is sent / Then it fails, changing nothing
    assert_rejected(&mut env, ix, &[&authority], "InvalidAccountOwner");
}

#[test]
fn rejects_a_system_account_as_treasury() {
    // Given a funded wallet in the treasury's place
    let (mut env, authority, _, mut ix) = setup();
    ix.accounts[2].pubkey = env.keypair(LAMPORTS_PER_SOL).pubkey();

    // When it is sent / Then it fails, changing nothing
    assert_rejected(&mut env, ix, &[&authority], "InvalidAccountOwner");
}

#[test]
fn rejects_a_treasury_with_a_wrong_discriminator() {
    // Given the treasury's first byte flipped
    let (mut env, authority, _, ix) = setup();
    let treasury = env.treasury();
    env.edit_account(&treasury, |a| a.data[0] ^= 0xff);

    // When it is sent / Then it fails, changing nothing
    assert_rejected(&mut env, ix, &[&authority], "InvalidAccountData");
}

#[test]
fn rejects_a_treasury_with_a_wrong_length() {
    // Given the treasury with one extra byte
    let (mut env, authority, _, ix) = setup();
    let treasury = env.treasury();
    env.edit_account(&treasury, |a| a.data.push(0));

    // When it is sent / Then it fails, changing nothing
    assert_rejected(&mut env, ix, &[&authority], "InvalidAccountData");
}

#[test]
fn rejects_the_insurance_vault_as_treasury() {
    // Given a funded insurance vault (a valid vault, but not the configured treasury) in the treasury's place
    let (mut env, authority, _, mut ix) = setup();
    let insurance = env.insurance();
    env.fund(&insurance, POOL);
    ix.accounts[2].pubkey = insurance;

    // When it is sent / Then it fails, changing nothing
    assert_rejected(&mut env, ix, &[&authority], "VaultMismatch");
}

#[test]
fn rejects_a_read_only_recipient() {
    // Given the recipient's meta is read-only
    let (mut env, authority, _, mut ix) = setup();
    ix.accounts[3].is_writable = false;

    // When it is sent / Then it fails, changing nothing
    assert_rejected(&mut env, ix, &[&authority], "AccountNotWritable");
}

#[test]
fn rejects_a_truncated_amount() {
    // Given an amount one byte short
    let (mut env, authority, _, mut ix) = setup();
    ix.data.pop();

    // When it is sent / Then it fails, changing nothing
    assert_rejected(&mut env, ix, &[&authority], "InvalidInstructionData");
}

#[test]
fn rejects_trailing_bytes() {
    // Given one byte after the amount
    let (mut env, authority, _, mut ix) = setup();
    ix.data.push(0);

    // When it is sent / Then it fails, changing nothing
    assert_rejected(&mut env, ix, &[&authority], "InvalidInstructionData");
}

#[test]
fn rejects_an_unknown_discriminator() {
    // Given the instruction with one discriminator byte changed
    let (mut env, authority, _, mut ix) = setup();
    ix.data[0] ^= 0xff;

    // When it is sent / Then it fails, changing nothing
    assert_rejected(&mut env, ix, &[&authority], "InvalidInstructionData");
}
