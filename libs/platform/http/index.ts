// Every process's HTTP edge: security headers, CORS, bounded JSON bodies, one error shape.
export { checkContentType, checkJsonDepth, checkUnicode, findLoneSurrogate } from './body-bounds';
export { configureHttp } from './configure-http';
export { ErrorBody, HttpErrorFilter, toCleaveError, toErrorBody } from './http-error.filter';
export { HttpSettings } from './http.settings';
