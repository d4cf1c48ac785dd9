//! `lentera index rebuild`.

use anyhow::Result;
use clap::Subcommand;

#[derive(Subcommand)]
pub enum IndexCommand {}

pub fn run(command: IndexCommand) -> Result<()> {
    match command {}
}
