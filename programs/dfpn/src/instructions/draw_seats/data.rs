/// `draw_seats` takes no arguments: the candidates are the accounts, in draw order.
pub type DrawSeatsData = crate::wire::NoArgs;
