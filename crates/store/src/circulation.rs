//! Members, loan rules, holidays, loans and holds.
