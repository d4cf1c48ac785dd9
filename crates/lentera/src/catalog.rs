//! `lentera catalog import|export`.

use anyhow::Result;
use clap::Subcommand;

#[derive(Subcommand)]
pub enum CatalogCommand {}

pub fn run(command: CatalogCommand) -> Result<()> {
    match command {}
}
