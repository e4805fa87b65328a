// Words for the stage the core reports when verification has stopped (denied, canceled, locked). The
// full sentences come from the core's KYC view; this covers the moment before that view arrives, so the
// wire value ("denied") is never what a person reads.

/** A sentence for a stopped verification. */
export function stoppedSentence(status: string): string {
  switch (status.toLowerCase().replace(/[^a-z]/g, "")) {
    case "denied":
    case "rejected":
      return "Your application was declined, so a card cannot be issued to this account.";
    case "canceled":
    case "cancelled":
      return "This application was canceled, so a card cannot be issued to this account.";
    case "locked":
      return "Verification is locked for this account, so a card cannot be issued to it.";
    default:
      return "Verification has stopped for this account, so a card cannot be issued to it.";
  }
}
