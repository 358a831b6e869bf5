export {
  type AdminAnswer,
  type AdminInvite,
  type AdminMember,
  type AdminMesh,
  type AdminSession,
  adminAnswers,
  adminInvite,
  adminMember,
  adminMesh,
  adminSession,
} from "./admin-answers.ts";
export { AdminClient, type AdminClientOptions, type AdminCredentials } from "./admin-client.ts";
export { type InviteTerms, type SignedInvite, signInvite } from "./sign-invite.ts";
