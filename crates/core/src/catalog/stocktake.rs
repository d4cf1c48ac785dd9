//! Stock-taking: comparing what is on the shelf with what the records say.
