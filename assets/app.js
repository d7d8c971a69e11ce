// GOV.UK Frontend's components (password reveal, error summary focus, and so on).
// Everything works without this file: it only enhances.
import { initAll } from '/assets/govuk-frontend.min.js'

initAll()
