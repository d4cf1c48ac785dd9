//! The `lentera` binary: wires the crates together behind a small CLI.
//! Everything it does is also reachable from the web UI or the API; the CLI
//! exists for first setup, scripts and operators.

mod catalog;
mod demo;
mod index;
mod report;

use anyhow::{Context, Result, bail};
use clap::{Args, Parser, Subcommand};
use lentera_core::audit::ActorRef;
use lentera_core::users::{NewPassword, UserDraft, UserForm};
use lentera_store::{Db, Target, regions, users};
use std::io::Read;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Instant;

#[derive(Parser)]
#[command(
    name = "lentera",
    version,
    about = "Lentera — perpustakaan desa dan pemantauan TPBIS"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Where the data lives; every subcommand takes these the same way.
#[derive(Args, Clone)]
struct DbArgs {
    /// Folder for the SQLite database (and later uploads and the search index).
    #[arg(long, default_value = "./lentera-data", env = "LENTERA_DATA_DIR")]
    data_dir: PathBuf,
    /// `postgres://user@host/db` to use PostgreSQL instead of SQLite.
    #[arg(long, env = "LENTERA_DATABASE_URL")]
    database_url: Option<String>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web server.
    Serve {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long, default_value = "127.0.0.1:8080", env = "LENTERA_LISTEN")]
        listen: SocketAddr,
        /// Fill the database with the demonstration first (skipped if present).
        #[arg(long)]
        demo: bool,
        /// Mark cookies Secure: use when served over HTTPS.
        #[arg(long, env = "LENTERA_SECURE_COOKIES")]
        secure_cookies: bool,
        /// Trust X-Forwarded-For from a reverse proxy for login throttling.
        #[arg(long, env = "LENTERA_TRUST_PROXY")]
        trust_proxy: bool,
    },
    /// Fill the database with a realistic demonstration and exit.
    Demo {
        #[command(flatten)]
        db: DbArgs,
        /// `village`: a few libraries with accounts to try every page.
        /// `national`: that, plus a library in each of the 83,762 villages,
        /// 10,000 of them with five years of daily work (for benchmarks; it
        /// takes tens of minutes and tens of GB).
        #[arg(long, value_enum, default_value = "village")]
        scale: DemoScale,
        /// National scale: libraries with five years of daily work.
        #[arg(long, default_value_t = 10_000)]
        active: usize,
        /// National scale: active libraries that also have work plans.
        #[arg(long, default_value_t = 2_400)]
        with_workplans: usize,
        /// National scale: only the active libraries inside this region, at
        /// the national density (a smaller load for one province's views).
        #[arg(long)]
        active_within: Option<String>,
    },
    /// Import or export a library's catalogue.
    Catalog {
        #[command(subcommand)]
        command: catalog::CatalogCommand,
    },
    /// Maintain the full-text search index.
    Index {
        #[command(subcommand)]
        command: index::IndexCommand,
    },
    /// Monitoring reports without the web UI: PDF, XLSX, CSV or DHIS2-style
    /// data values for the nation, a region or a library.
    Report(Box<report::ReportArgs>),
    /// Manage user accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum DemoScale {
    Village,
    National,
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add a user; the password is read from standard input.
    Add {
        username: String,
        #[arg(long)]
        role: String,
        /// Region code: a province for province officers, a regency for
        /// district officers, any region for facilitators.
        #[arg(long)]
        region: Option<String>,
        /// Library id, for managers and staff.
        #[arg(long)]
        library: Option<String>,
        #[arg(long)]
        full_name: Option<String>,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Set a user's password, read from standard input.
    SetPassword {
        username: String,
        #[command(flatten)]
        db: DbArgs,
    },
}

fn main() -> Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,tower_http=warn".into()),
        )
        .with_target(false)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let cli = Cli::parse();
    match cli.command {
        Command::Serve {
            db,
            listen,
            demo,
            secure_cookies,
            trust_proxy,
        } => {
            let config = lentera_web::Config {
                secure_cookies,
                trust_proxy,
                ..Default::default()
            };
            serve(&db, listen, demo, config)
        }
        Command::Demo {
            db,
            scale,
            active,
            with_workplans,
            active_within,
        } => {
            let db = open(&db)?;
            demo::fill(&db)?;
            if scale == DemoScale::National {
                let args = lentera_store::national::NationalArgs {
                    active,
                    with_workplans,
                    active_within,
                    ..Default::default()
                };
                lentera_store::national::fill(&db, &args, &|line| println!("{line}"))?;
            }
            Ok(())
        }
        Command::User { command } => user(command),
        Command::Catalog { command } => catalog::run(command),
        Command::Index { command } => index::run(command),
        Command::Report(args) => report::run(*args),
    }
}

/// Opens the database, migrates it and makes sure the region tree is loaded.
fn open(args: &DbArgs) -> Result<Db> {
    let target = Target::from_args(args.database_url.as_deref(), &args.data_dir)?;
    let start = Instant::now();
    let db = Db::open(&target).with_context(|| format!("opening {target:?}"))?;
    let mut conn = db.conn()?;
    let loaded = regions::load_if_empty(&mut conn, &|_| true)?;
    if loaded > 0 {
        tracing::info!(
            regions = loaded,
            elapsed_ms = start.elapsed().as_millis() as u64,
            "loaded the region tree"
        );
    }
    Ok(db)
}

fn serve(args: &DbArgs, listen: SocketAddr, demo: bool, config: lentera_web::Config) -> Result<()> {
    let db = open(args)?;
    if demo {
        demo::fill(&db)?;
    }
    bootstrap_admin(&db)?;
    let tree = regions::tree(&mut *db.conn()?)?;
    // The search index lives in the data folder, also when the database is
    // PostgreSQL: it is this server's own derived copy of the catalogue.
    let index = index::open_synced(&db, &args.data_dir)?;
    let state = lentera_web::AppState::with_index(db.clone(), tree, config, index);
    let app = lentera_web::router(state.clone());
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async move {
        state.spawn_index_sync(std::time::Duration::from_secs(1));
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .with_context(|| format!("cannot listen on {listen}"))?;
        let addr = listener.local_addr()?;
        println!(
            "Lentera berjalan di http://{addr}  (database: {})",
            db.backend().name()
        );
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
        Ok(())
    })
}

/// On a database with no users, creates `admin` with a one-time password and
/// prints it once. The password must be changed at first sign-in.
fn bootstrap_admin(db: &Db) -> Result<()> {
    let mut conn = db.conn()?;
    if users::count(&mut conn)? > 0 {
        return Ok(());
    }
    let password = lentera_web::users::temporary_password().map_err(|e| anyhow::anyhow!("{e}"))?;
    let draft = UserDraft::parse(&UserForm {
        username: "admin".into(),
        full_name: "Administrator".into(),
        role: "national".into(),
        ..Default::default()
    })
    .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let hash = lentera_web::auth::hash_password(&password).map_err(|e| anyhow::anyhow!("{e}"))?;
    users::create(
        &mut conn,
        &ActorRef::system("bootstrap"),
        &draft,
        &hash,
        true,
    )?;
    println!();
    println!("  Administrator pertama dibuat / first administrator created:");
    println!("    nama pengguna / username:  admin");
    println!("    kata sandi sekali pakai / one-time password:  {password}");
    println!("  Ganti kata sandi ini saat pertama masuk. It must be changed at first sign-in.");
    println!(
        "  (Ditampilkan sekali saja. Shown only once. Lupa? `lentera user set-password admin`.)"
    );
    println!();
    Ok(())
}

fn read_password() -> Result<String> {
    let mut s = String::new();
    std::io::stdin().read_to_string(&mut s)?;
    let p = s.trim_end_matches(['\n', '\r']).to_string();
    if p.is_empty() {
        bail!(
            "no password on standard input (e.g. `echo 'kata sandi panjang' | lentera user add …`)"
        );
    }
    Ok(p)
}

fn user(cmd: UserCommand) -> Result<()> {
    match cmd {
        UserCommand::Add {
            username,
            role,
            region,
            library,
            full_name,
            db,
        } => {
            let db = open(&db)?;
            let password = read_password()?;
            let form = UserForm {
                full_name: full_name.unwrap_or_else(|| username.clone()),
                username,
                role,
                region_code: region.unwrap_or_default(),
                library_id: library.unwrap_or_default(),
                ..Default::default()
            };
            let draft = UserDraft::parse(&form).map_err(|e| describe(&e))?;
            let pw = NewPassword::parse(&password, draft.username.as_str())
                .map_err(|p| describe(&lentera_core::field::Invalid::one("password", p)))?;
            let hash = lentera_web::auth::hash_password(pw.expose())
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            let u = users::create(
                &mut *db.conn()?,
                &ActorRef::system("cli"),
                &draft,
                &hash,
                false,
            )
            .map_err(|e| match e {
                lentera_store::StoreError::Invalid(i) => describe(&i),
                e => e.into(),
            })?;
            println!(
                "Pengguna {} ({}) dibuat. User created.",
                u.username,
                u.role.key()
            );
            Ok(())
        }
        UserCommand::SetPassword { username, db } => {
            let db = open(&db)?;
            let password = read_password()?;
            let mut conn = db.conn()?;
            let Some((u, _)) = users::with_hash(&mut conn, &username)? else {
                bail!("pengguna {username:?} tidak ditemukan / user not found");
            };
            let pw = NewPassword::parse(&password, &u.username)
                .map_err(|p| describe(&lentera_core::field::Invalid::one("password", p)))?;
            let hash = lentera_web::auth::hash_password(pw.expose())
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            users::set_password(
                &mut conn,
                &ActorRef::system("cli"),
                u.id,
                &hash,
                false,
                None,
            )?;
            println!("Kata sandi {} diganti. Password changed.", u.username);
            Ok(())
        }
    }
}

/// Input problems as sentences, for the terminal.
fn describe(inv: &lentera_core::field::Invalid) -> anyhow::Error {
    let lines: Vec<String> = inv
        .0
        .iter()
        .map(|e| {
            lentera_web::i18n::problem_sentence(e.field, &e.problem, lentera_web::i18n::Lang::Id)
        })
        .collect();
    anyhow::anyhow!(lines.join("\n"))
}
