//! `remove_challenger`: the configuration authority withdraws a challenger; it can no longer reveal, and its
//! unrevealed challenges become ordinary requests.
use dfpn_tests::*;
use solana_signer::Signer;

#[test]
fn a_removed_challenger_can_no_longer_reveal() {
    // Given a registered challenger
    let mut env = Env::new();
    let authority = env.authority.insecure_clone();
    let key = env.keypair(LAMPORTS_PER_SOL).pubkey();
    let ix = env.ix_register_challenger(&authority.pubkey(), &key);
    env.send(&[ix], &[&authority]).expect("register");
    let account = env.challenger_pda(&key);
    let rent = env.lamports(&account);
    let before = env.lamports(&authority.pubkey());
    // When the authority removes it
    let ix = env.ix_remove_challenger(&authority.pubkey(), &key);
    let meta = env.send(&[ix], &[&authority]).expect("remove_challenger");
    // Then the account is gone, its rent back with the authority, and an event names it
    assert!(env.account(&account).is_none_or(|a| a.lamports == 0));
    assert_eq!(env.lamports(&authority.pubkey()), before + rent - meta.fee);
    assert_eq!(events(&env, &meta)[0].0, "ChallengerRemoved");
}

#[test]
fn only_the_authority_removes() {
    let mut env = Env::new();
    let authority = env.authority.insecure_clone();
    let outsider = env.keypair(LAMPORTS_PER_SOL);
    let ix = env.ix_register_challenger(&authority.pubkey(), &outsider.pubkey());
    env.send(&[ix], &[&authority]).expect("register");
    let account = env.challenger_pda(&outsider.pubkey());
    // Given the challenger itself, or anyone else / When it removes / Then NotConfigAuthority
    let ix = env.ix_remove_challenger(&outsider.pubkey(), &outsider.pubkey());
    env.assert_ix_rejected(&ix, &[&outsider], &[account], "NotConfigAuthority");
    // Given a config account in place of the challenger / Then it is refused
    let mut ix = env.ix_remove_challenger(&authority.pubkey(), &outsider.pubkey());
    ix.accounts[2].pubkey = env.config();
    env.assert_ix_rejected(&ix, &[&authority], &[account, env.config()], "InvalidAccountData");
    // And the authority (positive control) removes it
    let ix = env.ix_remove_challenger(&authority.pubkey(), &outsider.pubkey());
    env.send(&[ix], &[&authority]).expect("remove_challenger");
}
