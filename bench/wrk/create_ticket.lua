-- POST /api/tickets with a different, realistic ticket each time, waiting for the routing
-- (the default): measures create-with-routing-in-the-answer.
local subjects = {
  {"VPN drops every few minutes", "Since this morning my VPN connection drops and I cannot reach the file server."},
  {"Payslip shows the wrong tax code", "My November payslip has the wrong tax code and my salary is lower than expected."},
  {"Air conditioning broken in room 4.12", "The air conditioning on the fourth floor is not working and it is very hot."},
  {"Expense report reimbursement pending", "I submitted my expense report three weeks ago and have not been reimbursed yet."},
  {"Question about the company picnic", "Where can I find the schedule for the company picnic next month?"},
}
local counter = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

request = function()
  counter = counter + 1
  local s = subjects[(counter % #subjects) + 1]
  local body = string.format(
    '{"title":"%s #%d","description":"%s","user_name":"Bench User","user_email":"bench%d@example.com"}',
    s[1], counter, s[2], counter % 1000)
  return wrk.format(nil, "/api/tickets", nil, body)
end

dofile("report.lua")
