//! Demo visits data for the demo libraries.

use anyhow::Result;
use lentera_core::ids::LibraryId;
use lentera_store::DbConn;

/// `libraries`: every demo library, the Magetan one (where the demo manager
/// and staff work) first.
pub fn seed(_conn: &mut DbConn, _libraries: &[LibraryId]) -> Result<()> {
    Ok(())
}
