"""Session Manager for the offline tests: a StartSession model for moto's server, and the
`session-manager-plugin` that opens the session's shell on a local stand-in for the instance."""
