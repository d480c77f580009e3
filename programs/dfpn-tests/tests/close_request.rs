//! `close_request`: the client closes a finalized or expired request and gets the rent back.
use dfpn_tests::*;
use serde_json::json;
use solana_account::Account;
use solana_address::Address;
use solana_instruction::Instruction;
use solana_keypair::Keypair;
use solana_signer::Signer;

/// A request three workers answered unanimously, finalized; returns (env, client, request).
fn finalized() -> (Env, Keypair, Address) {
    let mut net = Network::new(3);
    let answer = Answer::new(MANIPULATED, 90, Network::MODEL);
    let request = net.submit_join_commit(
        &RequestSpec::default(),
        &[Some(answer.clone()), Some(answer.clone()), Some(answer.clone())],
    );
    net.to_reveal_phase(&request);
    for worker in net.worker_keys() {
        net.env.reveal(&worker, &request, &answer).expect("reveal_result");
    }
    net.env.finalize(&request).expect("finalize_request");
    (net.env, net.client, request)
}

/// Send `ix` with a fresh fee payer, so the signers' balances move only by what the program does.
fn send_paid(env: &mut Env, ix: Instruction, signers: &[&Keypair]) -> TxResult {
    let payer = env.keypair(LAMPORTS_PER_SOL);
    let all: Vec<&Keypair> = std::iter::once(&payer).chain(signers.iter().copied()).collect();
    env.send(&[ix], &all)
}

/// Rewrite a stored account (tests forge states the program would never produce).
fn edit(env: &mut Env, address: &Address, change: impl FnOnce(&mut Account)) {
    let mut account = env.account(address).expect("account exists");
    change(&mut account);
    env.svm.set_account(*address, account).unwrap();
}

#[test]
fn returns_the_rent_of_a_finalized_request_to_the_client() {
    // Given a finalized request, its escrow already settled
    let (mut env, client, request) = finalized();
    let r = env.decode("Request", &request).unwrap();
    assert_eq!((r["status"].as_u64(), r["escrow"].as_u64()), (Some(1), Some(0)));
    let rent = env.rent(env.idl.account_len("Request"));
    assert_eq!(env.lamports(&request), rent);
    let client_lamports = env.lamports(&client.pubkey());

    // When the client closes it
    let ix = env.ix_close_request(&client.pubkey(), &request);
    let meta = env.send(&[ix], &[&client]).expect("close_request");

    // Then the account is gone and every lamport of its rent went to the client
    assert!(env.account(&request).is_none_or(|a| a.lamports == 0 && a.data.is_empty()));
    assert_eq!(env.lamports(&client.pubkey()), client_lamports + rent - meta.fee);
    // And the closing is announced
    assert_eq!(
        events(&env, &meta),
        vec![("RequestClosed".to_string(), json!({ "request": request.to_bytes(), "rent_returned": rent }))]
    );
}

#[test]
fn returns_the_rent_of_an_expired_request_to_the_client() {
    // Given a request nobody joined, expired after its commit deadline
    let mut env = Env::new();
    let client = env.keypair(10 * LAMPORTS_PER_SOL);
    let request = env.submit(&client, &RequestSpec::default());
    let commit_deadline = env.decode("Request", &request).unwrap()["commit_deadline"].as_i64().unwrap();
    env.set_time(commit_deadline);
    let ix = env.ix_expire_request(&request);
    send_paid(&mut env, ix, &[]).expect("expire_request");
    let rent = env.rent(env.idl.account_len("Request"));
    let client_lamports = env.lamports(&client.pubkey());

    // When the client closes it
    let ix = env.ix_close_request(&client.pubkey(), &request);
    let meta = env.send(&[ix], &[&client]).expect("close_request");

    // Then
    assert!(env.account(&request).is_none_or(|a| a.lamports == 0 && a.data.is_empty()));
    assert_eq!(env.lamports(&client.pubkey()), client_lamports + rent - meta.fee);
    assert_eq!(events(&env, &meta)[0].1["rent_returned"], rent);
}

#[test]
fn rejects_an_open_request() {
    // Given a request still collecting workers
    let mut env = Env::new();
    let client = env.keypair(10 * LAMPORTS_PER_SOL);
    let request = env.submit(&client, &RequestSpec::default());
    let watched = [client.pubkey(), request];
    let before = env.snapshot(&watched);

    // When the client tries to close it (and take its escrow with the rent)
    let ix = env.ix_close_request(&client.pubkey(), &request);
    let result = send_paid(&mut env, ix, &[&client]);

    // Then
    assert_error(&env, &result, "RequestNotFinished");
    assert_eq!(env.snapshot(&watched), before);
}

#[test]
fn rejects_closing_twice() {
    // Given a request the client already closed
    let (mut env, client, request) = finalized();
    let ix = env.ix_close_request(&client.pubkey(), &request);
    env.send(&[ix], &[&client]).expect("first close_request");
    let watched = [client.pubkey(), request];
    let before = env.snapshot(&watched);

    // When the client closes it again
    let ix = env.ix_close_request(&client.pubkey(), &request);
    let result = send_paid(&mut env, ix, &[&client]);

    // Then the address no longer holds a program account
    assert_error(&env, &result, "InvalidAccountOwner");
    assert_eq!(env.snapshot(&watched), before);
}

#[test]
fn rejects_a_signer_that_is_not_the_client() {
    // Given someone else naming themselves as the client of a finished request
    let (mut env, client, request) = finalized();
    let impostor = env.keypair(LAMPORTS_PER_SOL);
    let watched = [client.pubkey(), request, impostor.pubkey()];
    let before = env.snapshot(&watched);

    // When they close it to collect the rent
    let ix = env.ix_close_request(&impostor.pubkey(), &request);
    let result = send_paid(&mut env, ix, &[&impostor]);

    // Then
    assert_error(&env, &result, "ClientMismatch");
    assert_eq!(env.snapshot(&watched), before);
}

#[test]
fn rejects_missing_accounts() {
    // Given the instruction without the request
    let (mut env, client, request) = finalized();
    let mut ix = env.ix_close_request(&client.pubkey(), &request);
    ix.accounts.pop();
    let watched = [client.pubkey(), request];
    let before = env.snapshot(&watched);

    // When it is sent
    let result = send_paid(&mut env, ix, &[&client]);

    // Then
    assert_error(&env, &result, "NotEnoughAccounts");
    assert_eq!(env.snapshot(&watched), before);
}

#[test]
fn rejects_a_client_that_does_not_sign() {
    // Given the client's account listed without its signature
    let (mut env, client, request) = finalized();
    let mut ix = env.ix_close_request(&client.pubkey(), &request);
    ix.accounts[0].is_signer = false;
    let watched = [client.pubkey(), request];
    let before = env.snapshot(&watched);

    // When a third party sends it
    let result = send_paid(&mut env, ix, &[]);

    // Then
    assert_error(&env, &result, "MissingSignature");
    assert_eq!(env.snapshot(&watched), before);
}

#[test]
fn rejects_a_read_only_client() {
    // Given the receiving client marked read-only
    let (mut env, client, request) = finalized();
    let mut ix = env.ix_close_request(&client.pubkey(), &request);
    ix.accounts[0].is_writable = false;
    let watched = [client.pubkey(), request];
    let before = env.snapshot(&watched);

    // When it is sent
    let result = send_paid(&mut env, ix, &[&client]);

    // Then
    assert_error(&env, &result, "AccountNotWritable");
    assert_eq!(env.snapshot(&watched), before);
}

#[test]
fn rejects_a_read_only_request() {
    // Given the request marked read-only
    let (mut env, client, request) = finalized();
    let mut ix = env.ix_close_request(&client.pubkey(), &request);
    ix.accounts[1].is_writable = false;
    let watched = [client.pubkey(), request];
    let before = env.snapshot(&watched);

    // When it is sent
    let result = send_paid(&mut env, ix, &[&client]);

    // Then
    assert_error(&env, &result, "AccountNotWritable");
    assert_eq!(env.snapshot(&watched), before);
}

#[test]
fn rejects_a_request_owned_by_another_program() {
    // Given the request's data held by another owner
    let (mut env, client, request) = finalized();
    edit(&mut env, &request, |a| a.owner = Keypair::new().pubkey());
    let watched = [client.pubkey(), request];
    let before = env.snapshot(&watched);

    // When the client closes it
    let ix = env.ix_close_request(&client.pubkey(), &request);
    let result = send_paid(&mut env, ix, &[&client]);

    // Then
    assert_error(&env, &result, "InvalidAccountOwner");
    assert_eq!(env.snapshot(&watched), before);
}

#[test]
fn rejects_a_request_with_the_wrong_discriminator() {
    // Given the request's discriminator corrupted
    let (mut env, client, request) = finalized();
    edit(&mut env, &request, |a| a.data[0] ^= 0xff);
    let watched = [client.pubkey(), request];
    let before = env.snapshot(&watched);

    // When the client closes it
    let ix = env.ix_close_request(&client.pubkey(), &request);
    let result = send_paid(&mut env, ix, &[&client]);

    // Then
    assert_error(&env, &result, "InvalidAccountData");
    assert_eq!(env.snapshot(&watched), before);
}

#[test]
fn rejects_a_request_with_the_wrong_length() {
    // Given the request one byte short
    let (mut env, client, request) = finalized();
    edit(&mut env, &request, |a| {
        a.data.pop();
    });
    let watched = [client.pubkey(), request];
    let before = env.snapshot(&watched);

    // When the client closes it
    let ix = env.ix_close_request(&client.pubkey(), &request);
    let result = send_paid(&mut env, ix, &[&client]);

    // Then
    assert_error(&env, &result, "InvalidAccountData");
    assert_eq!(env.snapshot(&watched), before);
}

#[test]
fn rejects_trailing_instruction_data() {
    // Given one byte after the discriminator of an instruction without arguments
    let (mut env, client, request) = finalized();
    let mut ix = env.ix_close_request(&client.pubkey(), &request);
    ix.data.push(0);
    let watched = [client.pubkey(), request];
    let before = env.snapshot(&watched);

    // When it is sent
    let result = send_paid(&mut env, ix, &[&client]);

    // Then
    assert_error(&env, &result, "InvalidInstructionData");
    assert_eq!(env.snapshot(&watched), before);
}
