"""WTForms forms: CSRF and field shapes only; the rules are checked again by the services."""
