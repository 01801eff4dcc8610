from .views import assist, codebook_delete, coding, exchange, outputs, search, sources, studies

app_name = "insight"
# Each area keeps its own routes beside its views (all under /insight/).
urlpatterns = [
    *studies.urls,
    *sources.urls,
    *coding.urls,
    *codebook_delete.urls,
    *outputs.urls,
    *exchange.urls,
    *search.urls,
    *assist.urls,
]
