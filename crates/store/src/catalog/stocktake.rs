//! Stock-taking sessions and their scans.
