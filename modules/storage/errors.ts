import { AppError, conflict, notFound, type FieldError } from '../core/errors';

/** Stable codes of the storage module's expected failures. */
export const StorageErrors = {
  tenantNotFound: (id: string) => notFound('Tenant', id),
  uploadNotFound: (id: number | string) => notFound('Upload', String(id)),
  presetNotFound: (id: string) => notFound('Mapping preset', id),
  planNotFound: (id: string) => notFound('Bonus plan', id),
  notParsed: (id: number, status: string) =>
    conflict('UPLOAD_NOT_PARSED', `Upload ${id} is ${status}; only a parsed upload can be mapped, previewed or validated`, { uploadId: id, status }),
  notMapped: (id: number) => conflict('UPLOAD_NOT_MAPPED', `Upload ${id} has no saved mapping yet; save one with PUT .../mapping`, { uploadId: id }),
  badMapping: (errors: FieldError[]) => new AppError('FIG_VALIDATION', 400, 'The mapping does not fit the file or the plan', errors),
  presetNameTaken: (name: string) =>
    new AppError('MAPPING_PRESET_DUPLICATE', 409, `A mapping preset named '${name}' already exists`, [{ path: 'body.name', message: 'is already used' }]),
  linkInvalid: () => new AppError('DOWNLOAD_LINK_INVALID', 403, 'This download link is invalid or has expired; ask for a new one'),
  fileGone: (id: number) => new AppError('UPLOAD_FILE_GONE', 410, `The file of upload ${id} is no longer stored`),
};
