"""The file-upload platform: suppliers and bills read from spreadsheets and PDF bills a
company uploads instead of linking an accounting platform. ``understanding`` turns the
bytes into Codat records without touching storage."""
