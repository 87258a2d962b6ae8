"""The settings screen: profile, email change, password change, account deletion."""
