//! Who may do how much: rate limits (`limits`), monthly key quota (`quota`),
//! the plan catalogue (`plans`) and the grants that put a user on a plan.

pub mod grants;
pub mod limits;
pub mod plans;
pub mod quota;
