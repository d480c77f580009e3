//! `withdraw_insurance`: the configuration authority moves part of the insurance vault, at most
//! `MAX_INSURANCE_WITHDRAWAL_BPS` of it above rent per call and one call per `INSURANCE_WITHDRAWAL_INTERVAL_SECS`.
use dfpn_tests::*;
use serde_json::json;
use solana_address::Address;
use solana_keypair::Keypair;
use solana_signer::Signer;

const FUNDED: u64 = 10 * LAMPORTS_PER_SOL;

/// An initialized env whose insurance vault holds `FUNDED` lamports above rent, its authority, a recipient.
fn setup() -> (Env, Keypair, Address) {
    let mut env = Env::new();
    let insurance = env.insurance();
    env.edit_account(&insurance, |a| a.lamports += FUNDED);
    let authority = env.authority.insecure_clone();
    (env, authority, Keypair::new().pubkey())
}

/// `setup()` with a recipient that already exists (so small amounts are not below its rent).
fn setup_funded() -> (Env, Keypair, Address) {
    let (mut env, authority, recipient) = setup();
    env.fund(&recipient, LAMPORTS_PER_SOL);
    (env, authority, recipient)
}

fn limit(env: &Env) -> u64 {
    FUNDED * env.idl.constant_u64("MAX_INSURANCE_WITHDRAWAL_BPS") / 10_000
}

#[test]
fn the_authority_withdraws_up_to_the_limit_with_an_event() {
    // Given a funded insurance vault
    let (mut env, authority, recipient) = setup();
    let (insurance, amount) = (env.insurance(), limit(&env));
    let before = env.lamports(&insurance);

    // When the authority withdraws exactly the limit
    let ix = env.ix_withdraw_insurance(&authority.pubkey(), &recipient, amount);
    let meta = env.send(&[ix], &[&authority]).expect("withdraw_insurance");

    // Then the lamports moved, the time is recorded, and an event names recipient and amount
    assert_eq!(env.lamports(&insurance), before - amount);
    assert_eq!(env.lamports(&recipient), amount);
    assert_eq!(env.decode("Config", &env.config()).unwrap()["insurance_withdrawn_at"], json!(env.now()));
    assert_eq!(
        events(&env, &meta),
        vec![("InsuranceWithdrawn".to_string(), json!({"recipient": recipient.as_ref(), "amount": amount}))]
    );
}

#[test]
fn more_than_the_limit_nothing_or_an_empty_vault_is_refused() {
    let (mut env, authority, recipient) = setup();
    let watched = [env.insurance(), recipient, env.config()];
    // Given one lamport over the limit, or zero / When the authority withdraws / Then it is refused
    let ix = env.ix_withdraw_insurance(&authority.pubkey(), &recipient, limit(&env) + 1);
    env.assert_ix_rejected(&ix, &[&authority], &watched, "InsuranceWithdrawalTooLarge");
    let ix = env.ix_withdraw_insurance(&authority.pubkey(), &recipient, 0);
    env.assert_ix_rejected(&ix, &[&authority], &watched, "NothingToClaim");
    // Given a vault at rent only / Then any amount is refused
    let mut bare = Env::new();
    let bare_authority = bare.authority.insecure_clone();
    let ix = bare.ix_withdraw_insurance(&bare_authority.pubkey(), &recipient, 1);
    bare.assert_ix_rejected(&ix, &[&bare_authority], &[bare.insurance()], "NothingToClaim");
    // And one lamport under the limit (positive control) goes through
    let ix = env.ix_withdraw_insurance(&authority.pubkey(), &recipient, limit(&env) - 1);
    env.send(&[ix], &[&authority]).expect("withdraw_insurance");
}

#[test]
fn an_empty_recipient_must_receive_at_least_its_rent() {
    // Given a recipient account that does not exist yet
    let (mut env, authority, recipient) = setup();
    let rent = env.rent(0);
    // When the authority sends it less than the rent-exempt minimum / Then the program says why
    let ix = env.ix_withdraw_insurance(&authority.pubkey(), &recipient, rent - 1);
    env.assert_ix_rejected(&ix, &[&authority], &[env.insurance(), recipient, env.config()], "PayoutBelowRent");
    // And the rent-exempt minimum (positive control) goes through
    let ix = env.ix_withdraw_insurance(&authority.pubkey(), &recipient, rent);
    env.send(&[ix], &[&authority]).expect("withdraw_insurance");
}

#[test]
fn one_withdrawal_per_interval() {
    // Given a first withdrawal
    let (mut env, authority, recipient) = setup_funded();
    let ix = env.ix_withdraw_insurance(&authority.pubkey(), &recipient, 1_000);
    env.send(&[ix], &[&authority]).expect("first");
    let interval = env.idl.constant_u64("INSURANCE_WITHDRAWAL_INTERVAL_SECS") as i64;

    // When the authority withdraws again one second before the interval ends / Then it is refused
    env.advance(interval - 1);
    let ix = env.ix_withdraw_insurance(&authority.pubkey(), &recipient, 1_000);
    env.assert_ix_rejected(
        &ix,
        &[&authority],
        &[env.insurance(), recipient, env.config()],
        "InsuranceWithdrawalTooSoon",
    );
    // And at the end of the interval (positive control) it goes through
    env.advance(1);
    let ix = env.ix_withdraw_insurance(&authority.pubkey(), &recipient, 1_000);
    env.send(&[ix], &[&authority]).expect("second");
}

#[test]
fn only_the_authority_signing_with_the_configured_vault() {
    let (mut env, authority, recipient) = setup_funded();
    let outsider = env.keypair(LAMPORTS_PER_SOL);
    let watched = [env.insurance(), env.treasury(), recipient, env.config()];
    // Given an outsider / When it withdraws / Then it is refused
    let ix = env.ix_withdraw_insurance(&outsider.pubkey(), &recipient, 1_000);
    env.assert_ix_rejected(&ix, &[&outsider], &watched, "NotConfigAuthority");
    // Given the authority's key without its signature / Then it is refused
    let mut ix = env.ix_withdraw_insurance(&authority.pubkey(), &recipient, 1_000);
    ix.accounts[0].is_signer = false;
    env.assert_ix_rejected(&ix, &[], &watched, "MissingSignature");
    // Given the treasury in place of the insurance vault / Then it is refused
    let mut ix = env.ix_withdraw_insurance(&authority.pubkey(), &recipient, 1_000);
    ix.accounts[2].pubkey = env.treasury();
    env.assert_ix_rejected(&ix, &[&authority], &watched, "VaultMismatch");
    // Given a read-only config or recipient / Then it is refused
    for index in [1, 3] {
        let mut ix = env.ix_withdraw_insurance(&authority.pubkey(), &recipient, 1_000);
        ix.accounts[index].is_writable = false;
        env.assert_ix_rejected(&ix, &[&authority], &watched, "AccountNotWritable");
    }
    // Given too few accounts or truncated data / Then it is refused
    let mut ix = env.ix_withdraw_insurance(&authority.pubkey(), &recipient, 1_000);
    ix.accounts.pop();
    env.assert_ix_rejected(&ix, &[&authority], &watched, "NotEnoughAccounts");
    let mut ix = env.ix_withdraw_insurance(&authority.pubkey(), &recipient, 1_000);
    ix.data.pop();
    env.assert_ix_rejected(&ix, &[&authority], &watched, "InvalidInstructionData");
    // And the authority's well-formed withdrawal (positive control) goes through
    let ix = env.ix_withdraw_insurance(&authority.pubkey(), &recipient, 1_000);
    env.send(&[ix], &[&authority]).expect("withdraw_insurance");
}
