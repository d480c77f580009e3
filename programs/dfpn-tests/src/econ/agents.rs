//! What each strategy answers. Only the *decision* lives here; every consequence (payout, reputation,
//! slashing, expiry) comes from the program in LiteSVM.
use super::rng::Rng;
use crate::{Answer, Network, AUTHENTIC, MANIPULATED};

/// A worker strategy (and the operator's workers of the self-certification attack).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Strategy {
    /// Runs a detector that is right with this probability (percent), errors independent per request.
    Honest(u8),
    /// Honest at .85 that crashes before revealing on 1 % of its commits.
    CrashHonest,
    /// Never downloads the media: always "Authentic" with high confidence.
    Lazy,
    /// A coin flip.
    Random,
    /// Never downloads the media: on resubmitted media copies the earlier public verdict (a revealed challenge's
    /// label, which is public too, over its consensus), else "Authentic".
    Replay,
    /// A colluding group: always "Authentic", and its members join together (they share a feed, so when one
    /// sees a request all of them race for its seats).
    Cartel,
    /// Takes a seat and never commits.
    Squatter,
    /// A worker controlled by a client that submits its own fakes: "Authentic" on the operator's requests,
    /// honest .85 on everyone else's (so it looks ordinary).
    Operator,
}

pub const CRASH_RATE: f64 = 0.01;

impl Strategy {
    pub fn label(self) -> String {
        match self {
            Strategy::Honest(a) => format!("honest .{a:02}"),
            Strategy::CrashHonest => "honest .85, 1% crash".into(),
            Strategy::Lazy => "lazy".into(),
            Strategy::Random => "random".into(),
            Strategy::Replay => "replay".into(),
            Strategy::Cartel => "cartel".into(),
            Strategy::Squatter => "squatter".into(),
            Strategy::Operator => "self-certifier".into(),
        }
    }

    /// Looks at the media (so its accuracy is meaningful as a property of the strategy, not of the mix).
    pub fn is_honest(self) -> bool {
        matches!(self, Strategy::Honest(_) | Strategy::CrashHonest)
    }
}

/// One piece of media as the simulation knows it (the program never sees `fake`).
#[derive(Clone, Copy, Debug)]
pub struct Media {
    pub content_hash: [u8; 32],
    pub fake: bool,
}

/// What a seated worker does with its seat.
pub enum Plan {
    /// Join and never commit.
    Squat,
    /// Commit `answer`; reveal it unless `crash`.
    Serve { answer: Answer, crash: bool },
}

/// The public facts a worker can see when it decides. A request's attestation is not among them: workers cannot
/// tell a known-answer challenge from an ordinary request.
pub struct Context<'a> {
    pub media: &'a Media,
    /// The verdict of the last finalized request on the same content hash, if any (public on-chain; the label when
    /// that request was a revealed challenge).
    pub earlier_verdict: Option<u8>,
    /// The request was submitted by the self-certifying operator.
    pub operator_request: bool,
}

pub fn plan(strategy: Strategy, ctx: &Context, rng: &mut Rng) -> Plan {
    let serve =
        |verdict, confidence| Plan::Serve { answer: Answer::new(verdict, confidence, Network::MODEL), crash: false };
    match strategy {
        Strategy::Honest(acc) => detector(ctx.media, acc, rng, false),
        Strategy::CrashHonest => {
            let crash = rng.chance(CRASH_RATE);
            detector(ctx.media, 85, rng, crash)
        }
        Strategy::Operator if ctx.operator_request => serve(AUTHENTIC, 99),
        Strategy::Operator => detector(ctx.media, 85, rng, false),
        Strategy::Lazy | Strategy::Cartel => serve(AUTHENTIC, 95),
        Strategy::Random => serve(if rng.chance(0.5) { AUTHENTIC } else { MANIPULATED }, 50 + rng.below(51) as u8),
        Strategy::Replay => serve(ctx.earlier_verdict.unwrap_or(AUTHENTIC), 90),
        Strategy::Squatter => Plan::Squat,
    }
}

/// An honest detector: the truth with probability `accuracy_pct`, else the other verdict.
fn detector(media: &Media, accuracy_pct: u8, rng: &mut Rng, crash: bool) -> Plan {
    let right = rng.chance(accuracy_pct as f64 / 100.0);
    let says_fake = media.fake == right;
    let verdict = if says_fake { MANIPULATED } else { AUTHENTIC };
    let confidence = if right { 70 + rng.below(30) as u8 } else { 50 + rng.below(30) as u8 };
    Plan::Serve { answer: Answer::new(verdict, confidence, Network::MODEL), crash }
}

/// A revealed verdict matches the ground truth.
pub fn correct(verdict: u8, fake: bool) -> bool {
    (verdict == MANIPULATED && fake) || (verdict == AUTHENTIC && !fake)
}
