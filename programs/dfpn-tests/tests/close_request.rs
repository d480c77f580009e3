//! `close_request`: the client closes a finalized or expired request and gets the rent back.
use dfpn_tests::*;
use serde_json::json;
use solana_address::Address;
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
    env.send_paid(&[ix], &[]).expect("expire_request");
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

    // When the client tries to close it (and take its escrow with the rent)
    let ix = env.ix_close_request(&client.pubkey(), &request);

    // Then
    env.assert_rejected(&[ix], &[&client], &watched, "RequestNotFinished");
}

#[test]
fn rejects_closing_twice() {
    // Given a request the client already closed
    let (mut env, client, request) = finalized();
    let ix = env.ix_close_request(&client.pubkey(), &request);
    env.send(&[ix], &[&client]).expect("first close_request");
    let watched = [client.pubkey(), request];

    // When the client closes it again
    let ix = env.ix_close_request(&client.pubkey(), &request);

    // Then it is refused with an error that says the request is gone
    env.assert_rejected(&[ix], &[&client], &watched, "RequestAlreadyClosed");
}

#[test]
fn rejects_a_signer_that_is_not_the_client() {
    // Given someone else naming themselves as the client of a finished request
    let (mut env, client, request) = finalized();
    let impostor = env.keypair(LAMPORTS_PER_SOL);
    let watched = [client.pubkey(), request, impostor.pubkey()];

    // When they close it to collect the rent
    let ix = env.ix_close_request(&impostor.pubkey(), &request);

    // Then
    env.assert_rejected(&[ix], &[&impostor], &watched, "ClientMismatch");
}

#[test]
fn rejects_missing_accounts() {
    // Given the instruction without the request
    let (mut env, client, request) = finalized();
    let mut ix = env.ix_close_request(&client.pubkey(), &request);
    ix.accounts.pop();
    let watched = [client.pubkey(), request];

    // When it is sent / Then it fails, changing nothing
    env.assert_rejected(&[ix], &[&client], &watched, "NotEnoughAccounts");
}

#[test]
fn rejects_a_client_that_does_not_sign() {
    // Given the client's account listed without its signature
    let (mut env, client, request) = finalized();
    let mut ix = env.ix_close_request(&client.pubkey(), &request);
    ix.accounts[0].is_signer = false;
    let watched = [client.pubkey(), request];

    // When a third party sends it / Then it fails, changing nothing
    env.assert_rejected(&[ix], &[], &watched, "MissingSignature");
}

#[test]
fn rejects_a_read_only_client() {
    // Given the receiving client marked read-only
    let (mut env, client, request) = finalized();
    let mut ix = env.ix_close_request(&client.pubkey(), &request);
    ix.accounts[0].is_writable = false;
    let watched = [client.pubkey(), request];

    // When it is sent / Then it fails, changing nothing
    env.assert_rejected(&[ix], &[&client], &watched, "AccountNotWritable");
}

#[test]
fn rejects_a_read_only_request() {
    // Given the request marked read-only
    let (mut env, client, request) = finalized();
    let mut ix = env.ix_close_request(&client.pubkey(), &request);
    ix.accounts[1].is_writable = false;
    let watched = [client.pubkey(), request];

    // When it is sent / Then it fails, changing nothing
    env.assert_rejected(&[ix], &[&client], &watched, "AccountNotWritable");
}

#[test]
fn rejects_a_request_owned_by_another_program() {
    // Given the request's data held by another owner
    let (mut env, client, request) = finalized();
    env.edit_account(&request, |a| a.owner = Keypair::new().pubkey());
    let watched = [client.pubkey(), request];

    // When the client closes it
    let ix = env.ix_close_request(&client.pubkey(), &request);

    // Then
    env.assert_rejected(&[ix], &[&client], &watched, "InvalidAccountOwner");
}

#[test]
fn rejects_a_request_with_the_wrong_discriminator() {
    // Given the request's discriminator corrupted
    let (mut env, client, request) = finalized();
    env.edit_account(&request, |a| a.data[0] ^= 0xff);
    let watched = [client.pubkey(), request];

    // When the client closes it
    let ix = env.ix_close_request(&client.pubkey(), &request);

    // Then
    env.assert_rejected(&[ix], &[&client], &watched, "InvalidAccountData");
}

#[test]
fn rejects_a_request_with_the_wrong_length() {
    // Given the request one byte short
    let (mut env, client, request) = finalized();
    env.edit_account(&request, |a| {
        a.data.pop();
    });
    let watched = [client.pubkey(), request];

    // When the client closes it
    let ix = env.ix_close_request(&client.pubkey(), &request);

    // Then
    env.assert_rejected(&[ix], &[&client], &watched, "InvalidAccountData");
}

#[test]
fn rejects_trailing_instruction_data() {
    // Given one byte after the discriminator of an instruction without arguments
    let (mut env, client, request) = finalized();
    let mut ix = env.ix_close_request(&client.pubkey(), &request);
    ix.data.push(0);
    let watched = [client.pubkey(), request];

    // When it is sent / Then it fails, changing nothing
    env.assert_rejected(&[ix], &[&client], &watched, "InvalidInstructionData");
}
