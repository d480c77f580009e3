//! Counterfactual peer-prediction scoring of the reveals the program recorded: the Correlated Agreement (CA)
//! mechanism (Shnayder, Agarwal, Frongillo, Parkes, EC 2016), in the binary "bonus − penalty" form of Dasgupta
//! and Ghosh (2013). The program pays nothing of the kind; the simulation only scores, after a run, the verdicts
//! the Request accounts hold, to weigh whether such a payment would help beside the known-answer challenges.
//!
//! A revealed seat `i` on request `r` scores `1{v_i = v_j} − 1{v_i = v_k(r')}`: `j` is another revealed seat of
//! `r` (uniformly drawn), `r'` a different finalized request (uniformly drawn) and `k` one of its revealers other
//! than `i`'s worker. It needs no ground truth: an answer that does not depend on the media (a constant, a coin
//! flip) agrees with a peer on the same request exactly as often, in expectation, as with a peer on another
//! request, so it scores 0; answers that carry information about the media agree more on the same request.
//! Seats of a request with a single revealer (no peer) are not scored. What it cannot tell from observing the
//! media: an answer that depends on the media but not on its truth as seen, such as a verdict copied from an
//! earlier public one (the replaying strategy) or, were a cartel to do it, a bit of the content hash its members
//! all answer by, also agrees more on the same request and scores above 0.
use super::rng::Rng;

/// The revealed seats of one finalized request: (agent, verdict).
pub type Reveals = Vec<(usize, u8)>;

/// Draws of a penalty request before a seat is left unscored (only when nearly every other request was
/// revealed by this seat's worker alone).
const PENALTY_TRIES: usize = 64;

/// One scored seat.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SeatScore {
    /// Index of the request in the slice scored.
    pub request: usize,
    pub agent: usize,
    /// −1, 0 or 1.
    pub score: i8,
}

/// The CA score of every revealed seat of `requests` that has a peer on its request and one on another request;
/// the peers are drawn from `rng` (deterministic for a given stream).
pub fn score_seats(requests: &[Reveals], rng: &mut Rng) -> Vec<SeatScore> {
    let answered: Vec<usize> = (0..requests.len()).filter(|&r| !requests[r].is_empty()).collect();
    let mut out = vec![];
    for (r, seats) in requests.iter().enumerate() {
        if seats.len() < 2 {
            continue;
        }
        for (s, &(agent, verdict)) in seats.iter().enumerate() {
            let mut j = rng.below(seats.len() - 1);
            if j >= s {
                j += 1;
            }
            let bonus = (seats[j].1 == verdict) as i8;
            let Some(other) = penalty_answer(requests, &answered, r, agent, rng) else { continue };
            out.push(SeatScore { request: r, agent, score: bonus - (other == verdict) as i8 });
        }
    }
    out
}

/// The answer of a revealer `k` (not `agent`) of a request `r' ≠ r`, both uniformly drawn.
fn penalty_answer(requests: &[Reveals], answered: &[usize], r: usize, agent: usize, rng: &mut Rng) -> Option<u8> {
    if answered.len() < 2 {
        return None;
    }
    for _ in 0..PENALTY_TRIES {
        let other = answered[rng.below(answered.len())];
        if other == r {
            continue;
        }
        let peers: Vec<u8> = requests[other].iter().filter(|(a, _)| *a != agent).map(|(_, v)| *v).collect();
        if !peers.is_empty() {
            return Some(peers[rng.below(peers.len())]);
        }
    }
    None
}

/// Independent draws of peers per seat that the reported scores average. The payment would draw once per seat;
/// the mean over draws is a sharper estimate of what it pays in expectation given the answers.
pub const DRAWS: usize = 16;

/// Per agent (indexed as in `requests`, `agents` of them): the seats scored and the sum of their scores, each
/// seat's score the mean over `draws` draws of peers from `rng`.
pub fn per_agent(requests: &[Reveals], agents: usize, rng: &mut Rng, draws: usize) -> Vec<(u64, f64)> {
    let mut scored = vec![(0u64, 0i64); agents];
    for _ in 0..draws {
        for s in score_seats(requests, rng) {
            scored[s.agent].0 += 1;
            scored[s.agent].1 += s.score as i64;
        }
    }
    let draws = draws.max(1);
    scored.into_iter().map(|(n, sum)| (n / draws as u64, sum as f64 / draws as f64)).collect()
}
