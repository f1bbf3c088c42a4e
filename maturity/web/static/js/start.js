// Starts GOV.UK Frontend's components (error summary focus, notification banners, header).
import { initAll } from '/static/govuk/govuk-frontend.min.js'
initAll()
