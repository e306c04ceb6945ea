-- wrk script: POST a correct login (the bench account created by bench/run.sh).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"login":"bench","password":"bench-password"}'
