export type {
  PortalProfile,
  PortalSession,
  PortalDocument,
  PortalPayment,
  DocumentDetail,
  Statement,
} from '../../../../modules/apar/portal/schema';
