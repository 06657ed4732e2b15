// Package auth holds who may do what in fanzha: organisations and their
// sectors, roles, API tokens, the TLP sharing rule that decides who sees a
// signal, the masking of personal data, and the hash-chained audit log.
//
// # Who may do what
//
// Allow answers one question per request: may this principal perform this
// action at all? Contributors submit and never read; read-only tokens read and
// never submit; analysts and supervisors do both; admins also explain
// visibility, read the audit log and manage organisations. The public has no
// business on the agency API (its portal has its own endpoints).
//
// # The sharing policy (TLP 2.0)
//
// Visible decides, for every signal, report or link, whether a viewer sees
// it. This is the product's promise to the organisations that contribute, so
// it is one rule, in one function, tested over every combination:
//
//   - CLEAR: everyone, including the public portal.
//   - GREEN: every organisation in fanzha, of any sector; never the public.
//   - AMBER: the submitting organisation, organisations of the submitter's
//     sector, and police (public security leads every investigation); not
//     other sectors, not the public.
//   - AMBER+STRICT: the submitting organisation only.
//   - RED: the submitting organisation's supervisors and admins only.
//
// Contributors see nothing: they may submit but not read. A missing or
// unknown marking is treated as AMBER (fail closed), and the explanation says
// so; a viewer whose role or sector is unknown is treated as having none.
//
// # Personal data
//
// Only police and judicial analysts, supervisors and admins see personal data
// (victims' phone numbers, accounts, e-mail addresses, names) in the clear;
// everyone else gets it through MaskPhone, MaskAccount, MaskEmail and
// MaskName, which keep just enough to tell two records apart.
//
// # Audit
//
// Every read and write by an agency is audited. The Auditor queues entries
// and writes them in groups so that auditing does not slow lookups down; the
// store links them into a hash chain (ChainHash) and VerifyChain proves that
// no entry was altered, removed or reordered since; a copy of the newest
// hash kept elsewhere also catches a rewritten or truncated tail.
package auth
