app_name = "party-api"
urlpatterns = []
