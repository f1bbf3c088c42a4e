// Marks the page as having JavaScript, as GOV.UK Frontend expects (kept out of the page: CSP).
document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '');
